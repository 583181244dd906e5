package dev.tessera.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.tessera.tensor.RunScope;
import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runtime on the plain classpath (this machine has no GPU, so CPU/float32 unless told otherwise). */
class DjlTensorRuntimeTest {

    private static DjlTensorRuntime runtime(Map<String, String> properties) {
        return new DjlTensorRuntime(properties::get);
    }

    @Test
    void defaultsToCpuFloat32AndComputes() {
        DjlTensorRuntime runtime = runtime(Map.of());
        assertEquals(Device.cpu(), runtime.device());
        assertEquals(DataType.FLOAT32, runtime.computeType());
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertEquals("false", System.getProperty("ai.djl.pytorch.graph_optimizer"));
        try (NDManager manager = runtime.newManager("weights")) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray b = manager.create(new float[] {5, 6, 7, 8}, new Shape(2, 2));
            // [[1,2],[3,4]] @ [[5,6],[7,8]] = [[19,22],[43,50]]
            assertArrayEquals(new float[] {19, 22, 43, 50}, a.matMul(b).toFloatArray());
            assertEquals(Device.cpu(), a.getDevice());
            assertEquals("weights", manager.getName());
        }
    }

    @Test
    void theTensorPidOverridesTheFrameworkProperties() {
        // As the component reads them: keys of PID dev.tessera.tensor over tessera.device / tessera.dtype.
        Map<String, String> framework = Map.of("tessera.dtype", "float32", "tessera.device", "cpu");
        DjlTensorRuntime configured = new DjlTensorRuntime(dev.tessera.graph.api.HostSettings.layered(
                Map.of("dtype", "float16", "device", ""), "tessera.", framework::get));
        assertEquals(DataType.FLOAT16, configured.computeType());
        assertEquals(Device.cpu(), configured.device());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DjlTensorRuntime(
                dev.tessera.graph.api.HostSettings.layered(Map.of("device", "tpu"), "tessera.", framework::get)));
        assertTrue(e.getMessage().contains("'tpu' is not a device"), e.getMessage());
    }

    @Test
    void libtorchHeldByAnotherClassLoaderIsExplainedOtherFailuresAreNot() {
        // The JVM's own words when a refreshed bundle's new class loader loads a library an old one holds.
        UnsatisfiedLinkError jvm = new UnsatisfiedLinkError(
                "Native Library /root/.djl.ai/pytorch/2.7.1-cpu-linux-x86_64/libc10.so already loaded in another classloader");
        String message = DjlTensorRuntime.loadedByAnotherInstance(new RuntimeException("engine", jvm));
        assertTrue(message.startsWith("libtorch is already loaded in this JVM by an earlier instance of the bundle"), message);
        assertTrue(message.endsWith(jvm.getMessage()), message);
        assertEquals(null, DjlTensorRuntime.loadedByAnotherInstance(new UnsatisfiedLinkError("no torch in java.library.path")));
    }

    @Test
    void dtypePropertyOverridesThePolicy() {
        assertEquals(DataType.FLOAT16, runtime(Map.of("tessera.dtype", "fp16")).computeType());
        assertEquals(DataType.FLOAT32, runtime(Map.of("tessera.dtype", " Float32 ")).computeType());
    }

    @Test
    void bfloat16IsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runtime(Map.of("tessera.dtype", "bfloat16")));
        assertTrue(e.getMessage().contains("no bfloat16"), e::getMessage);
    }

    @Test
    void unknownDtypeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runtime(Map.of("tessera.dtype", "int8")));
        assertTrue(e.getMessage().contains("'int8'") && e.getMessage().contains("float32 or float16"), e::getMessage);
    }

    @Test
    void gpuThatIsNotThereIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runtime(Map.of("tessera.device", "gpu")));
        assertTrue(e.getMessage().contains("sees 0"), e::getMessage);
        assertEquals(Device.cpu(), runtime(Map.of("tessera.device", "cpu")).device());
    }

    @Test
    void gpuDefaultsToFloat16() {
        assertEquals(DataType.FLOAT16, ComputePolicy.computeType(null, Device.gpu()));
        assertEquals(Device.gpu(0), ComputePolicy.device("", 2));
        assertEquals(Device.gpu(1), ComputePolicy.device("gpu:1", 2));
        assertEquals(Device.cpu(), ComputePolicy.device("CPU", 2));
        assertThrows(IllegalArgumentException.class, () -> ComputePolicy.device("gpu:2", 2));
        assertThrows(IllegalArgumentException.class, () -> ComputePolicy.device("tpu", 2));
    }

    @Test
    void runManagerIsSharedWithinARunAndClosedWithIt() throws Exception {
        DjlTensorRuntime runtime = runtime(Map.of());
        NDArray created;
        NDManager first;
        try (RunScope run = new RunScope()) {
            first = runtime.runManager(run);
            assertSame(first, runtime.runManager(run));
            created = first.ones(new Shape(3));
        }
        assertFalse(first.isOpen());
        assertTrue(created.isReleased());
        try (RunScope next = new RunScope()) {
            assertNotSame(first, runtime.runManager(next));
        }
    }

    /** libtorch starts every new thread in grad mode; a thread that runs a model through the runtime leaves it. */
    @Test
    void gradModeIsOffOnEveryThreadThatRunsModels() throws Exception {
        DjlTensorRuntime runtime = runtime(Map.of());
        boolean[] seen = new boolean[4];
        Thread worker = new Thread(() -> {
            seen[0] = JniUtils.isGradMode();
            try (RunScope run = new RunScope()) {
                runtime.runManager(run);
                seen[1] = JniUtils.isGradMode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        worker.start();
        worker.join();
        Thread caller = new Thread(() -> {
            seen[2] = JniUtils.isGradMode();
            seen[3] = runtime.call(JniUtils::isGradMode);
        });
        caller.start();
        caller.join();
        assertTrue(seen[0] && seen[2], "a new thread starts in grad mode (else this test proves nothing)");
        assertFalse(seen[1], "runManager turned it off");
        assertFalse(seen[3], "call turned it off");
    }

    @Test
    void callSetsAndRestoresTheContextLoader() {
        DjlTensorRuntime runtime = runtime(Map.of());
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        ClassLoader inside = runtime.call(() -> Thread.currentThread().getContextClassLoader());
        assertSame(DjlTensorRuntime.class.getClassLoader(), inside);
        assertSame(before, Thread.currentThread().getContextClassLoader());
        UndeclaredThrowableException e = assertThrows(UndeclaredThrowableException.class,
                () -> runtime.call(() -> {
                    throw new IOException("disk");
                }));
        assertTrue(e.getCause() instanceof IOException);
        assertSame(before, Thread.currentThread().getContextClassLoader());
    }
}
