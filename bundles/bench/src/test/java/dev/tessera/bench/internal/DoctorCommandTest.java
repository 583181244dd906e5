package dev.tessera.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.UsageException;
import dev.tessera.graph.api.ResourceScope;
import dev.tessera.tensor.TensorRuntime;
import dev.tessera.testing.CpuRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code tessera doctor} on this machine's CPU libtorch. */
class DoctorCommandTest {

    private final CpuRuntime runtime = new CpuRuntime();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @AfterEach
    void close() {
        runtime.close();
    }

    private int run(TensorRuntime on, Map<String, String> properties, String... args) throws UsageException {
        return new DoctorCommand(on, properties::get).execute(List.of(args),
                new CommandIO(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, false));
    }

    @Test
    void reportsVersionsWhereLibtorchCameFromDevicesAndPassesTheChecksOnTheCpu() throws Exception {
        assertEquals(Command.OK, run(runtime, Map.of("tessera.natives.source", "tessera.jar (CPU fragment)")));
        String report = out.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("java: " + System.getProperty("java.version")), report);
        assertTrue(report.contains("djl: 0.35.0, engine PyTorch 2.7.1"), report);
        assertTrue(report.matches("(?s).*libtorch: 2\\.7\\.1\\S* loaded from /\\S+ \\(chosen by: tessera.jar \\(CPU fragment\\)\\).*"),
                report);
        assertTrue(report.contains("libtorch build: CPU"), report);
        assertTrue(report.contains("devices: cpu (libtorch sees no GPU)"), report);
        assertTrue(report.contains("compute: cpu(), float32"), report);
        assertTrue(report.matches("(?s).*conv\\+matmul\\+softmax cpu\\(\\) float32\\s+ok .*"), report);
        assertTrue(report.matches("(?s).*conv\\+matmul\\+softmax cpu\\(\\) float16\\s+ok .*max \\|diff\\| vs CPU float32 "
                + "[1-9]\\.\\d\\de-0[3-9].*"), "float16 differs from float32, within tolerance: " + report);
        assertTrue(report.endsWith("doctor: all checks passed\n"), report);
    }

    /** A device that cannot compute fails its checks with libtorch's reason, and the command exits 1. */
    @Test
    void aDeviceThatFailsTheCheckExitsOne() throws Exception {
        TensorRuntime gpu = new TensorRuntime() {
            public Device device() {
                return Device.gpu();
            }

            public DataType computeType() {
                return DataType.FLOAT16;
            }

            public NDManager newManager(String name) {
                return runtime.newManager(name);
            }

            public NDManager runManager(ResourceScope scope) {
                return runtime.runManager(scope);
            }

            public <T> T call(Callable<T> work) {
                return runtime.call(work);
            }
        };
        assertEquals(Command.FAILED, run(gpu, Map.of()));
        String report = out.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("compute: gpu(0), float16"), report);
        assertTrue(report.matches("(?s).*conv\\+matmul\\+softmax gpu\\(0\\) float32\\s+FAILED: .+"), report);
        assertTrue(report.endsWith("doctor: a check failed (see above)\n"), report);
    }

    @Test
    void takesNoArguments() {
        assertThrows(UsageException.class, () -> run(runtime, Map.of(), "extra"));
    }
}
