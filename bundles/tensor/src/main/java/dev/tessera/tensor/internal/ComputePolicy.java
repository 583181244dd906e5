package dev.tessera.tensor.internal;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/** Which device and floating dtype models run in, from what the engine offers and what the operator asked for. */
final class ComputePolicy {

    private ComputePolicy() {
    }

    /** {@code requested} ("cpu", "gpu", "gpu:1"; blank = automatic) or the first GPU if there is one. */
    static Device device(String requested, int gpuCount) {
        if (requested == null || requested.isBlank()) {
            return gpuCount > 0 ? Device.gpu() : Device.cpu();
        }
        Device device = parseDevice(requested.trim().toLowerCase(Locale.ROOT));
        if (device.isGpu() && device.getDeviceId() >= gpuCount) {
            throw new IllegalArgumentException("tessera.device '" + requested + "' asks for a GPU but the loaded"
                    + " libtorch sees " + gpuCount + ": a CPU libtorch sees none (a CUDA 12.8 libtorch 2.7.1 is chosen"
                    + " by PYTORCH_LIBRARY_PATH and PYTORCH_FLAVOR=cu128), and a CUDA one sees none without the"
                    + " NVIDIA driver or when CUDA_VISIBLE_DEVICES hides them (check nvidia-smi); see docs/gpu.md");
        }
        return device;
    }

    private static Device parseDevice(String name) {
        java.util.regex.Matcher gpu = java.util.regex.Pattern.compile("gpu(?::?(\\d+))?").matcher(name);
        if (name.equals("cpu")) {
            return Device.cpu();
        }
        if (gpu.matches()) {
            return Device.gpu(gpu.group(1) == null ? 0 : Integer.parseInt(gpu.group(1)));
        }
        throw new IllegalArgumentException("tessera.device '" + name + "' is not a device: expected cpu, gpu or gpu:N");
    }

    /**
     * float32 on the CPU (the conformance pack's precision), float16 on a GPU, unless {@code requested}
     * ("float32"/"fp32", "float16"/"fp16"/"half") says otherwise. bfloat16 is refused: DJL 0.35's PyTorch binding
     * has no bfloat16 and aborts the JVM on one.
     */
    static DataType computeType(String requested, Device device) {
        if (requested == null || requested.isBlank()) {
            return device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
        }
        return switch (requested.trim().toLowerCase(Locale.ROOT)) {
            case "float32", "fp32" -> DataType.FLOAT32;
            case "float16", "fp16", "half" -> DataType.FLOAT16;
            case "bfloat16", "bf16" -> throw new IllegalArgumentException("tessera.dtype '" + requested
                    + "': DJL 0.35's PyTorch binding has no bfloat16; use float16 or float32");
            default -> throw new IllegalArgumentException("tessera.dtype '" + requested
                    + "' is not a compute dtype: expected float32 or float16");
        };
    }
}
