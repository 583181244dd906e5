package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
}
