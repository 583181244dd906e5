package dev.tessera.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.graph.api.ResourceScope;
import java.util.concurrent.Callable;

/**
 * DJL PyTorch for the other bundles, registered as a service by the tensor bundle. Nodes take it by reference and
 * hand managers, devices and dtypes to the math, which never looks them up itself.
 */
public interface TensorRuntime {

    /** The device computations run on: CPU, or the first GPU when a CUDA libtorch is configured. */
    Device device();

    /** The floating dtype models compute in on {@link #device()}: float32 on CPU, float16 or bfloat16 on GPU. */
    DataType computeType();

    /** A manager for long-lived tensors (model weights, cached node outputs); the caller closes it. */
    NDManager newManager(String name);

    /** A manager for one run's temporaries, closed when the run ends. */
    NDManager runManager(ResourceScope scope);

    /**
     * Runs {@code work} with this bundle's class loader as the thread context class loader: DJL finds its engine
     * and native libraries only through it.
     */
    <T> T call(Callable<T> work);
}
