package dev.tessera.image.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.Widget;
import dev.tessera.image.ImageBatch;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RunScope;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImageScaleNodeTest {

    private CpuRuntime runtime;
    private RunScope scope;
    private ImageScaleNode node;
    private ImageBatch input;

    @BeforeEach
    void setUp() {
        runtime = new CpuRuntime();
        scope = new RunScope();
        node = new ImageScaleNode(runtime);
        NDManager m = runtime.newManager("input");
        float[] px = new float[4 * 6 * 3];
        for (int i = 0; i < px.length; i++) px[i] = (i % 17) / 16f;
        input = ImageBatch.owning(m, m.create(px, new Shape(1, 4, 6, 3)));
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        runtime.close();
    }

    private ImageBatch scale(String method, long width, long height, String crop) {
        MapInputs in = new MapInputs().with("image", input).with("upscale_method", method)
                .with("width", width).with("height", height).with("crop", crop);
        return (ImageBatch) node.execute(in, new RecordingContext(scope)).value(0);
    }

    @Test
    void descriptorIsComfyUis() {
        NodeDescriptor d = node.descriptor();
        assertEquals("ImageScale", d.typeId());
        assertEquals("image/upscaling", d.category());
        Widget.ComboWidget methods = (Widget.ComboWidget) d.input("upscale_method").orElseThrow().widget();
        assertEquals(List.of("nearest-exact", "bilinear", "area", "bicubic", "lanczos"), methods.currentOptions());
        assertEquals(new Widget.IntWidget(512, 0, 16384, 1), d.input("width").orElseThrow().widget());
        Widget.ComboWidget crop = (Widget.ComboWidget) d.input("crop").orElseThrow().widget();
        assertEquals(List.of("disabled", "center"), crop.currentOptions());
        assertEquals("IMAGE", d.outputs().get(0).name());
    }

    @Test
    void zeroSideKeepsTheAspect() {
        try (ImageBatch out = scale("bilinear", 0, 2, "disabled")) {
            assertEquals(new Shape(1, 2, 3, 3), out.pixels().getShape());
        }
        try (ImageBatch out = scale("area", 3, 0, "disabled")) {
            assertEquals(new Shape(1, 2, 3, 3), out.pixels().getShape());
        }
    }

    @Test
    void bothZeroPassesACopyOn() {
        ImageBatch out = scale("lanczos", 0, 0, "center");
        assertArrayEquals(input.pixels().toFloatArray(), out.pixels().toFloatArray());
        input.close();
        assertFalse(out.pixels().isReleased(), "the copy has its own owner");
        out.close();
    }

    @Test
    void everyMethodRunsWithCropAndLeavesNothingInTheRun() {
        NDManager run = runtime.runManager(scope);
        for (String method : List.of("nearest-exact", "bilinear", "area", "bicubic", "lanczos")) {
            for (int i = 0; i < 20; i++) {
                try (ImageBatch out = scale(method, 5, 5, "center")) {
                    assertEquals(new Shape(1, 5, 5, 3), out.pixels().getShape());
                }
            }
            assertEquals(0, run.getManagedArrays().size(), method + ": temporaries are freed after each execution");
        }
        assertEquals(1, runtime.base().getManagedArrays().size(), "only the input remains");
    }
}
