package dev.tessera.testing;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.graph.api.ResourceScope;
import dev.tessera.tensor.TensorRuntime;
import java.util.concurrent.Callable;

/**
 * A tensor runtime on the CPU in a given compute type (float32 unless told); every manager it hands out descends
 * from one base manager, closed by {@link #close}, so a test that closes it leaves no native memory behind.
 */
public final class CpuRuntime implements TensorRuntime, AutoCloseable {

    private final NDManager base = NDManager.newBaseManager(Device.cpu());
    private final DataType computeType;

    public CpuRuntime() {
        this(DataType.FLOAT32);
    }

    public CpuRuntime(DataType computeType) {
        this.computeType = computeType;
    }

    @Override
    public Device device() {
        return Device.cpu();
    }

    @Override
    public DataType computeType() {
        return computeType;
    }

    @Override
    public NDManager newManager(String name) {
        NDManager manager = base.newSubManager();
        manager.setName(name);
        return manager;
    }

    @Override
    public NDManager runManager(ResourceScope scope) {
        return scope.shared(CpuRuntime.class, base::newSubManager);
    }

    @Override
    public <T> T call(Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The manager everything descends from, for tests that create their own arrays. */
    public NDManager base() {
        return base;
    }

    /** The arrays still alive in any manager this runtime handed out (DJL counts sub-managers' arrays too). */
    public int liveArrays() {
        return base.getManagedArrays().size();
    }

    @Override
    public void close() {
        base.close();
    }
}
