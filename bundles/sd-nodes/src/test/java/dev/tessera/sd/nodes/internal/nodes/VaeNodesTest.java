package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.diffusion.nodes.internal.nodes.VAEDecodeNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEEncodeForInpaintNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEEncodeNode;
import dev.tessera.graph.api.NodeException;
import dev.tessera.image.ImageBatch;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VAEEncode and VAEDecode as nodes: ComfyUI's crop to multiples of 8, family tags, IMAGE batches. */
class VaeNodesTest {

    @TempDir
    Path home;
    private Graph graph;
    private BadInputTest.Loaded loaded;
    private RunScope scope;
    private NDManager m;

    @BeforeEach
    void setUp() {
        Path models = ConformancePack.tinySd15Models(home);
        graph = new Graph(home, models);
        loaded = new BadInputTest.Loaded(graph.cache, models, graph.runtime);
        scope = new RunScope();
        m = graph.runtime.newManager("test");
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        loaded.close();
        graph.close();
    }

    @Test
    void encodeCropsToMultiplesOf8AtComfyUisOffsetsAndTagsTheFamily() {
        // 70 rows, 67 columns: 64 x 64 kept, from row (70 % 8) // 2 = 3 and column (67 % 8) // 2 = 1.
        NDArray pixels = m.randomUniform(0f, 1f, new Shape(1, 70, 67, 3));
        ImageBatch image = ImageBatch.owning(graph.runtime.newManager("image"), pixels);
        Latent latent = (Latent) new VAEEncodeNode(graph.runtime).execute(
                new MapInputs().with("pixels", image).with("vae", loaded.vae), new RecordingContext(scope)).value(0);
        assertEquals(new Shape(1, 4, 8, 8), latent.samples().getShape());
        assertEquals(LatentFormat.SD1.family(), latent.format().orElseThrow().family());
        NDArray expected = loaded.vae.encode(pixels.get(":, 3:67, 1:65, :"), m);
        assertArrayEquals(expected.toFloatArray(), latent.samples().toFloatArray(), 1e-6f);

        ImageBatch decoded = (ImageBatch) new VAEDecodeNode(graph.runtime).execute(
                new MapInputs().with("samples", latent).with("vae", loaded.vae), new RecordingContext(scope)).value(0);
        assertEquals(64, decoded.width());
        assertEquals(64, decoded.height());
        assertArrayEquals(loaded.vae.decode(latent.samples(), m).toFloatArray(), decoded.pixels().toFloatArray());
        image.close();
        latent.close();
        decoded.close();
    }

    @Test
    void anImageSmallerThanOneLatentCellIsRefused() {
        ImageBatch tiny = ImageBatch.owning(graph.runtime.newManager("tiny"), m.zeros(new Shape(1, 7, 64, 3)));
        NodeException e = assertThrows(NodeException.class, () -> new VAEEncodeNode(graph.runtime).execute(
                new MapInputs().with("pixels", tiny).with("vae", loaded.vae), new RecordingContext(scope)));
        assertEquals("pixels", e.inputName());
        tiny.close();
    }

    /**
     * VAEEncodeForInpaint: the masked square (rows and columns 20-35 of 64) turns grey before encoding, and the noise
     * mask is that square grown by ComfyUI's 6x6 box filter (padding 3): a pixel is set when any of rows i-3..i+2 and
     * columns j-3..j+2 is, so the square becomes 18-38, written out here.
     */
    @Test
    void encodeForInpaintGreysTheMaskedPixelsAndGrowsTheMask() {
        NDArray pixels = m.randomUniform(0f, 1f, new Shape(1, 64, 64, 3));
        float[] mask = new float[64 * 64];
        float[] grey = pixels.toFloatArray();
        float[] grown = new float[64 * 64];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                boolean inside = y >= 20 && y < 36 && x >= 20 && x < 36;
                mask[y * 64 + x] = inside ? 1 : 0;
                if (inside) {
                    for (int c = 0; c < 3; c++) {
                        grey[(y * 64 + x) * 3 + c] = 0.5f;
                    }
                }
                grown[y * 64 + x] = y >= 18 && y < 39 && x >= 18 && x < 39 ? 1 : 0;
            }
        }
        ImageBatch image = ImageBatch.owning(graph.runtime.newManager("image"), pixels);
        dev.tessera.image.MaskBatch masks = dev.tessera.image.MaskBatch.owning(graph.runtime.newManager("mask"),
                m.create(mask, new Shape(1, 64, 64)));
        Latent latent = (Latent) new VAEEncodeForInpaintNode(graph.runtime).execute(new MapInputs()
                .with("pixels", image).with("vae", loaded.vae).with("mask", masks).with("grow_mask_by", 6L),
                new RecordingContext(scope)).value(0);
        NDArray expected = loaded.vae.encode(m.create(grey, new Shape(1, 64, 64, 3)), m);
        assertArrayEquals(expected.toFloatArray(), latent.samples().toFloatArray(), 1e-6f);
        assertArrayEquals(grown, latent.noiseMask().orElseThrow().toFloatArray());
        Latent plain = (Latent) new VAEEncodeForInpaintNode(graph.runtime).execute(new MapInputs()
                .with("pixels", image).with("vae", loaded.vae).with("mask", masks).with("grow_mask_by", 0L),
                new RecordingContext(scope)).value(0);
        assertArrayEquals(mask, plain.noiseMask().orElseThrow().toFloatArray(), "grow 0 keeps the mask");
        image.close();
        masks.close();
        latent.close();
        plain.close();
    }
}
