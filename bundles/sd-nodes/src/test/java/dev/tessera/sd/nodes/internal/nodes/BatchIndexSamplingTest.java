package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerNode;
import dev.tessera.diffusion.nodes.internal.nodes.LatentFromBatchNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEDecodeNode;
import dev.tessera.image.ImageBatch;
import dev.tessera.model.api.Latent;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ComfyUI's LATENT {@code batch_index}: an entry taken from a batch with LatentFromBatch samples with the noise it had
 * in the batch ({@code prepare_noise}), so KSampler on it gives the pixels of that entry of the batched run.
 */
class BatchIndexSamplingTest {

    @TempDir
    Path home;
    private Graph graph;
    private BadInputTest.Loaded loaded;
    private RunScope scope;

    @BeforeEach
    void setUp() {
        Path models = ConformancePack.tinySd15Models(home);
        graph = new Graph(home, models);
        loaded = new BadInputTest.Loaded(graph.cache, models, graph.runtime);
        scope = new RunScope();
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        loaded.close();
        graph.close();
    }

    private Latent ksampler(Latent from) {
        return (Latent) new KSamplerNode(graph.runtime).execute(loaded.samplerInputs(loaded.model)
                .with("steps", 4L).with("latent_image", from), new RecordingContext(scope)).value(0);
    }

    private float[] pixels(Latent latent, int entry) {
        ImageBatch image = (ImageBatch) new VAEDecodeNode(graph.runtime).execute(new MapInputs()
                .with("samples", latent).with("vae", loaded.vae), new RecordingContext(scope)).value(0);
        return image.pixels().get(new NDIndex("{}:{}", entry, entry + 1)).toFloatArray();
    }

    /** Relative L2 distance of {@code a} from {@code b}. */
    private static double maxDiff(float[] a, float[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (double) (a[i] - b[i]);
            norm += b[i] * (double) b[i];
        }
        return Math.sqrt(diff / norm);
    }

    @Test
    void anEntryTakenFromABatchSamplesAsInTheBatch() {
        NDManager m = graph.runtime.newManager("batch");
        try (Latent batch = Latent.owning(m, m.zeros(new Shape(3, 4, 8, 8)), null, null)) {
            Latent whole = ksampler(batch);
            for (long index : new long[] {1, 2}) {
                Latent part = (Latent) new LatentFromBatchNode(graph.runtime).execute(new MapInputs()
                        .with("samples", batch).with("batch_index", index).with("length", 1L),
                        new RecordingContext(scope)).value(0);
                Latent sampled = ksampler(part);
                assertArrayEquals(new long[] {index}, sampled.batchIndex().orElseThrow(), "KSampler keeps it");
                double latentDiff = maxDiff(whole.samples().get(new NDIndex("{}:{}", index, index + 1))
                        .toFloatArray(), sampled.samples().toFloatArray());
                double pixelDiff = maxDiff(pixels(whole, (int) index), pixels(sampled, 0));
                // Only the batch size of the model's matrix products differs.
                assertTrue(latentDiff < 1e-5, "entry " + index + ": latents differ by " + latentDiff);
                assertTrue(pixelDiff < 1e-5, "entry " + index + ": pixels differ by " + pixelDiff);
            }
            // Without batch_index a single latent gets entry 0's noise: another picture than entry 1's.
            NDManager s = graph.runtime.newManager("single");
            try (Latent single = Latent.owning(s, s.zeros(new Shape(1, 4, 8, 8)), null, null)) {
                double diff = maxDiff(pixels(whole, 1), pixels(ksampler(single), 0));
                assertTrue(diff > 0.01, "the control differs by " + diff);
            }
        }
    }
}
