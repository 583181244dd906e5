package dev.tessera.models.sd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Repeated forwards free their intermediates: no tensor accumulates in the caller's or the weights' managers. */
class MemoryStabilityTest {

    private static final int RUNS = 20;

    @Test
    void twentyUnetForwardsLeaveNoTensorBehind() throws IOException {
        try (NDManager weights = NDManager.newBaseManager();
                NDManager run = NDManager.newBaseManager();
                StableDiffusionCheckpoint checkpoint = Pack.open(Pack.Layout.SINGLE_FILE, weights,
                        DataType.FLOAT32)) {
            Map<String, NDArray> in = Pack.sd15Case("unet", run);
            UNet2DConditionModel unet = checkpoint.unet();
            int weightArrays = managed(weights);
            int runArrays = managed(run);
            long rssAfterFirst = 0;
            for (int i = 0; i < RUNS; i++) {
                NDArray out = unet.forward(in.get("sample"), in.get("timestep"), in.get("encoder_hidden_states"));
                NDArray temb = unet.timeEmbedding(in.get("timestep"), 2);
                UNetFeatures features = unet.encode(unet.convIn(in.get("sample")), temb,
                        in.get("encoder_hidden_states"));
                // conv_in's output is the first skip; nothing else of the calls may remain.
                assertEquals(runArrays + 1 + 1 + features.skips().size() + 1, managed(run),
                        "run " + i + ": only the output, the time embedding and the features may remain");
                out.close();
                temb.close();
                features.close();
                assertEquals(runArrays, managed(run), "run " + i + ": tensors left in the caller's manager");
                if (i == 0) {
                    // The first call makes the group norms' unit weights, once per size, beside the weights.
                    int constants = managed(weights) - weightArrays;
                    assertTrue(constants > 0 && constants <= 40, "norm constants made by the first call: " + constants);
                    weightArrays = managed(weights);
                    rssAfterFirst = residentKiB();
                }
                assertEquals(weightArrays, managed(weights), "run " + i + ": tensors left in the weights' manager");
            }
            long growth = residentKiB() - rssAfterFirst;
            System.out.printf("unet x%d: %d weight tensors, %d run tensors held throughout; resident memory growth"
                    + " after the first run: %d KiB%n", RUNS, weightArrays, runArrays, growth);
            assertTrue(growth < 16 * 1024, "resident memory grew by " + growth + " KiB over " + RUNS + " runs");
        }
    }

    private static int managed(NDManager manager) {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }

    /** The process's resident memory; the module's surefire argLine fixes and pre-touches the Java heap. */
    private static long residentKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return 0;
    }
}
