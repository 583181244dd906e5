package dev.tessera.image.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.MaskBatch;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ImageScaleBy's sizes and pixels (nearest by 2 repeats each pixel), InvertMask's values. */
class ScaleByAndInvertMaskTest {

    private CpuRuntime runtime;
    private RunScope scope;

    @BeforeEach
    void setUp() {
        runtime = new CpuRuntime();
        scope = new RunScope();
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        runtime.close();
    }

    @Test
    void scaleByTwoNearestRepeatsEachPixelAndOddScalesRoundHalfToEven() {
        NDManager m = runtime.newManager("image");
        float[] pixels = new float[2 * 3 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = i / 20f;
        }
        try (ImageBatch image = ImageBatch.owning(m, m.create(pixels, new Shape(1, 2, 3, 3)));
                ImageBatch doubled = (ImageBatch) new ImageScaleByNode(runtime).execute(new MapInputs()
                        .with("image", image).with("upscale_method", "nearest-exact").with("scale_by", 2.0),
                        new RecordingContext(scope)).value(0);
                ImageBatch half = (ImageBatch) new ImageScaleByNode(runtime).execute(new MapInputs()
                        .with("image", image).with("upscale_method", "bilinear").with("scale_by", 1.25),
                        new RecordingContext(scope)).value(0)) {
            assertEquals(new Shape(1, 4, 6, 3), doubled.pixels().getShape());
            float[] out = doubled.pixels().toFloatArray();
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 6; x++) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(pixels[((y / 2) * 3 + x / 2) * 3 + c], out[(y * 6 + x) * 3 + c], 0f);
                    }
                }
            }
            // 2 x 1.25 = 2.5 -> 2 (half to even), 3 x 1.25 = 3.75 -> 4.
            assertEquals(new Shape(1, 2, 4, 3), half.pixels().getShape());
        }
    }

    @Test
    void invertMaskIsOneMinusTheMask() {
        NDManager m = runtime.newManager("mask");
        try (MaskBatch mask = MaskBatch.owning(m, m.create(new float[] {0f, 0.25f, 1f, 0.5f}, new Shape(1, 2, 2)));
                MaskBatch inverted = (MaskBatch) new InvertMaskNode(runtime).execute(new MapInputs()
                        .with("mask", mask), new RecordingContext(scope)).value(0)) {
            assertArrayEquals(new float[] {1f, 0.75f, 0f, 0.5f}, inverted.values().toFloatArray());
            assertArrayEquals(new float[] {0f, 0.25f, 1f, 0.5f}, mask.values().toFloatArray(), "the input is kept");
        }
    }
}
