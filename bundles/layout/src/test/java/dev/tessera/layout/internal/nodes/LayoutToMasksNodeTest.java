package dev.tessera.layout.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.api.Widget;
import dev.tessera.image.MaskBatch;
import dev.tessera.layout.Box;
import dev.tessera.layout.Layout;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RunScope;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LayoutToMasksNodeTest {

    /**
     * On 256 x 128: instance 0 covers pixels x 32..96, y 16..80 (aligned to the 8 x 8 latent cells); instance 1
     * covers x 4..20 over the full height (not aligned).
     */
    private static final Layout LAYOUT = Layout.builder("a cat and a pole").size(256, 128)
            .add("a cat", new Box(32 / 256.0, 16 / 128.0, 96 / 256.0, 80 / 128.0))
            .add("a pole", new Box(4 / 256.0, 0, 20 / 256.0, 1))
            .build();

    private final CpuRuntime runtime = new CpuRuntime();
    private final RunScope scope = new RunScope();
    private final LayoutToMasksNode node = new LayoutToMasksNode(runtime);

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        runtime.close();
    }

    private static MapInputs inputs(Layout layout, long width, long height, boolean global) {
        return new MapInputs().with("layout", layout).with("width", width).with("height", height)
                .with("include_global", global);
    }

    private NodeResult run(MapInputs in) {
        return node.execute(in, new RecordingContext(scope));
    }

    private static float sum(MaskBatch m, int index) {
        float s = 0;
        for (float v : m.toFloats(index)) s += v;
        return s;
    }

    @Test
    void descriptorDeclaresPixelAndLatentMasks() {
        NodeDescriptor d = node.descriptor();
        assertEquals("LayoutToMasks", d.typeId());
        assertEquals(ValueType.LAYOUT, d.input("layout").orElseThrow().type());
        assertFalse(d.input("layout").orElseThrow().hasWidget());
        assertEquals(new Widget.IntWidget(0, 0, 16384, 8), d.input("width").orElseThrow().widget());
        assertEquals(new Widget.BooleanWidget(false), d.input("include_global").orElseThrow().widget());
        assertEquals(List.of("MASK", "LATENT_MASK"), d.outputs().stream().map(o -> o.name()).toList());
        assertTrue(d.outputs().stream().allMatch(o -> o.type().equals(ValueType.MASK)));
        assertFalse(d.outputNode());
    }

    @Test
    void maskSumsAreTheBoxAreas() {
        NodeResult r = run(inputs(LAYOUT, 256, 128, false));
        try (MaskBatch pixel = (MaskBatch) r.value(0); MaskBatch latent = (MaskBatch) r.value(1)) {
            assertEquals(new Shape(2, 128, 256), pixel.values().getShape());
            assertEquals(new Shape(2, 16, 32), latent.values().getShape());
            assertEquals(DataType.FLOAT32, pixel.values().getDataType());
            assertEquals(Device.cpu(), latent.values().getDevice());
            assertEquals(64 * 64, sum(pixel, 0));
            assertEquals(16 * 128, sum(pixel, 1));
            // Each latent cell averages 8 x 8 pixels' centre, so the sums are the areas / 64.
            assertEquals(64 * 64 / 64f, sum(latent, 0));
            assertEquals(16 * 128 / 64f, sum(latent, 1));
            float[] cat = pixel.toFloats(0);
            assertEquals(1f, cat[16 * 256 + 32]);
            assertEquals(0f, cat[16 * 256 + 31]);
            assertEquals(0f, cat[80 * 256 + 32]);
        }
    }

    @Test
    void latentMasksAreBilinearlyDownsampled() {
        NodeResult r = run(inputs(LAYOUT, 256, 128, false));
        try (MaskBatch pixel = (MaskBatch) r.value(0); MaskBatch latent = (MaskBatch) r.value(1)) {
            float[] cat = latent.toFloats(0);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 32; x++) {
                    float expected = x >= 4 && x < 12 && y >= 2 && y < 10 ? 1f : 0f;
                    assertEquals(expected, cat[y * 32 + x], "aligned box, cell " + x + "," + y);
                }
            }
            // Pixels 4..19: cell 0 samples pixels 3 and 4 (half in), cell 1 pixels 11 and 12, cell 2 pixels 19
            // and 20 (half in), cell 3 pixels 27 and 28.
            float[] pole = latent.toFloats(1);
            for (int y = 0; y < 16; y++) {
                assertArrayEquals(new float[] {0.5f, 1f, 0.5f, 0f}, Arrays.copyOfRange(pole, y * 32, y * 32 + 4));
            }
        }
    }

    @Test
    void includeGlobalPutsTheWholeCanvasFirst() {
        NodeResult r = run(inputs(LAYOUT, 256, 128, true));
        try (MaskBatch pixel = (MaskBatch) r.value(0); MaskBatch latent = (MaskBatch) r.value(1)) {
            assertEquals(3, pixel.batchSize());
            assertEquals(256 * 128, sum(pixel, 0));
            assertEquals(32 * 16, sum(latent, 0));
            assertEquals(64 * 64, sum(pixel, 1));
        }
        Layout none = Layout.builder("an empty room").build();
        NodeResult only = run(inputs(none, 64, 64, true));
        try (MaskBatch pixel = (MaskBatch) only.value(0); MaskBatch latent = (MaskBatch) only.value(1)) {
            assertEquals(new Shape(1, 64, 64), pixel.values().getShape());
        }
        NodeException e = assertThrows(NodeException.class, () -> run(inputs(none, 64, 64, false)));
        assertEquals("layout", e.inputName());
        assertTrue(e.getMessage().contains("no instances"), e.getMessage());
    }

    @Test
    void zeroSidesTakeTheLayoutsSizeElse512() {
        NodeResult r = run(inputs(LAYOUT, 0, 0, false));
        try (MaskBatch pixel = (MaskBatch) r.value(0); MaskBatch latent = (MaskBatch) r.value(1)) {
            assertEquals(new Shape(2, 128, 256), pixel.values().getShape());
        }
        Layout noHint = Layout.builder("").add("a cat", new Box(0, 0, 0.5, 0.5)).build();
        NodeResult d = run(inputs(noHint, 0, 256, false));
        try (MaskBatch pixel = (MaskBatch) d.value(0); MaskBatch latent = (MaskBatch) d.value(1)) {
            assertEquals(new Shape(1, 256, 512), pixel.values().getShape());
            assertEquals(new Shape(1, 32, 64), latent.values().getShape());
        }
        Layout odd = LAYOUT.toBuilder().size(500, 128).build();
        NodeException e = assertThrows(NodeException.class, () -> run(inputs(odd, 0, 0, false)));
        assertEquals("width", e.inputName());
        assertEquals("is 500 (the layout's width, since width is 0); expected a multiple of 8 so the latent masks"
                + " are a whole size", e.getMessage());
    }

    @Test
    void sidesThatAreNotMultiplesOf8FailValidation() {
        List<InputProblem> problems = node.validate(new MapInputs().with("width", 100L).with("height", 64L)
                .with("include_global", false));
        assertEquals(1, problems.size());
        assertEquals("width", problems.get(0).input());
        assertTrue(node.validate(new MapInputs().with("width", 0L).with("height", 64L)).isEmpty());
        NodeException linked = assertThrows(NodeException.class, () -> run(inputs(LAYOUT, 256, 100, false)));
        assertEquals("height", linked.inputName());
        assertEquals("width", assertThrows(NodeException.class, () -> run(inputs(LAYOUT, -8, 64, false))).inputName());
    }

    @Test
    void outputsOutliveTheRunAndFreeEverythingWhenClosed() throws Exception {
        for (int i = 0; i < 20; i++) {
            NodeResult r = run(inputs(LAYOUT, 256, 128, i % 2 == 0));
            scope.close();
            MaskBatch pixel = (MaskBatch) r.value(0);
            MaskBatch latent = (MaskBatch) r.value(1);
            assertFalse(pixel.values().isReleased(), "the cache owns outputs, not the run");
            pixel.close();
            latent.close();
            assertEquals(0, runtime.liveArrays(), "run " + i);
        }
    }
}
