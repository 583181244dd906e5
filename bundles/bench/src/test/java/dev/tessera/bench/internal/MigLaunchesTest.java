package dev.tessera.bench.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What a MIGLoRA step launches beside the plain UNet call (issue 16 item 5: at most 1.15 times at 6 instances),
 * counted by libtorch's profiler through the mig bench on the pack's tiny SD1.5, whose UNet has SD1.5's topology
 * (the launches depend on the topology, not the widths) and the released encoder's shape with random weights.
 */
class MigLaunchesTest {

    @Test
    void aMigStepWithSixInstancesLaunchesAtMostOneFifteenthMoreThanThePlainCall() throws Exception {
        Path tiny = BenchCommandTest.PACK.resolve("sd15/single-file/tiny-sd15.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Bench.Result r = Bench.run(new Bench.Settings("mig", Device.cpu(), DataType.FLOAT32, 2, 64, 1, 1, tiny, 6),
                    manager);
            int mig = r.profile().total();
            int plain = r.baseline().total();
            assertTrue(mig > plain, "the hook adds the fusion: " + mig + " vs " + plain);
            assertTrue(mig <= 1.15 * plain, "a MIG step launches " + mig + " operations, the plain call " + plain
                    + " (x" + mig / (double) plain + "; at most x1.15): " + r.profile().counts());
        }
    }
}
