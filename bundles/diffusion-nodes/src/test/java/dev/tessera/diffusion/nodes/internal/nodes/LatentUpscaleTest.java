package dev.tessera.diffusion.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.NodeException;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LatentUpscale and LatentUpscaleBy: ComfyUI's size rules, the resize over cells, the mask and family kept. */
class LatentUpscaleTest {

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

    private Latent latent(long height, long width, boolean mask) {
        NDManager m = runtime.newManager("latent");
        float[] values = new float[(int) (4 * height * width)];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        return Latent.owning(m, m.create(values, new Shape(1, 4, height, width)),
                mask ? m.ones(new Shape(1, 16, 16)) : null, LatentFormat.SD1);
    }

    private Latent by(Latent in, String method, double scale) {
        return (Latent) new LatentUpscaleByNode(runtime).execute(new MapInputs().with("samples", in)
                .with("upscale_method", method).with("scale_by", scale), new RecordingContext(scope)).value(0);
    }

    private Latent to(Latent in, long width, long height) {
        return (Latent) new LatentUpscaleNode(runtime).execute(new MapInputs().with("samples", in)
                .with("upscale_method", "bilinear").with("width", width).with("height", height)
                .with("crop", "disabled"), new RecordingContext(scope)).value(0);
    }

    @Test
    void nearestByTwoRepeatsEachCellTwiceEachWay() {
        try (Latent in = latent(3, 5, true); Latent out = by(in, "nearest-exact", 2.0)) {
            assertEquals(new Shape(1, 4, 6, 10), out.samples().getShape());
            float[] expected = new float[4 * 6 * 10];
            for (int c = 0; c < 4; c++) {
                for (int y = 0; y < 6; y++) {
                    for (int x = 0; x < 10; x++) {
                        expected[(c * 6 + y) * 10 + x] = (c * 3 + y / 2) * 5 + x / 2;
                    }
                }
            }
            assertArrayEquals(expected, out.samples().toFloatArray());
            assertTrue(out.noiseMask().isPresent(), "the noise mask goes along, as in ComfyUI");
            assertEquals(LatentFormat.SD1, out.format().orElseThrow());
        }
    }

    @Test
    void sizesFollowComfyUisRules() {
        try (Latent in = latent(8, 12, false)) {
            // 1.5 x (8, 12) = (12, 18); 1.25 x 12 = 15, 1.25 x 8 = 10.
            try (Latent out = by(in, "bilinear", 1.5)) {
                assertEquals(new Shape(1, 4, 12, 18), out.samples().getShape());
            }
            try (Latent out = by(in, "area", 1.25)) {
                assertEquals(new Shape(1, 4, 10, 15), out.samples().getShape());
            }
            // height 128 px, width from the aspect: 12 * 128 / 8 = 192 px -> 24 x 16 cells.
            try (Latent out = to(in, 0, 128)) {
                assertEquals(new Shape(1, 4, 16, 24), out.samples().getShape());
            }
            // below 64 px a side is raised to 64.
            try (Latent out = to(in, 32, 40)) {
                assertEquals(new Shape(1, 4, 8, 8), out.samples().getShape());
            }
            try (Latent out = to(in, 0, 0)) {
                assertArrayEquals(in.samples().toFloatArray(), out.samples().toFloatArray(), "both 0 keep it");
            }
            NodeException e = assertThrows(NodeException.class, () -> by(in, "bislerp", 2.0));
            assertEquals("upscale_method", e.inputName());
        }
    }
}
