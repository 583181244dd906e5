package dev.tessera.bench.internal;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.LibUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * What {@code tessera doctor} reports: the versions, where libtorch was loaded from and which build it is, the
 * devices libtorch sees, the compute device and dtype, and a small conv + matmul + softmax computed on the compute
 * device in float32 and float16 against the same on the CPU in float32.
 */
final class Doctor {

    /** Tolerances on softmax probabilities (max |device - CPU|): float32 leaves room for TF32 convolutions on a GPU. */
    static final double FLOAT32_TOLERANCE = 1e-3;
    static final double FLOAT16_TOLERANCE = 1e-2;

    record Check(String name, double maxAbsDiff, double tolerance, String error) {
        boolean ok() {
            return error == null && maxAbsDiff <= tolerance;
        }

        String line() {
            if (error != null) return String.format(Locale.ROOT, "%-34s FAILED: %s", name, error);
            return String.format(Locale.ROOT, "%-34s %s  max |diff| vs CPU float32 %.2e (tolerance %.0e)", name,
                    ok() ? "ok    " : "FAILED", maxAbsDiff, tolerance);
        }
    }

    private Doctor() {
    }

    /** The report's facts, one "name: value" line each. */
    static List<String> facts(Engine engine, Device device, DataType dtype, UnaryOperator<String> properties) {
        List<String> lines = new ArrayList<>();
        lines.add("java: " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " processors, max heap "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB)");
        lines.add("djl: " + Engine.getDjlVersion() + ", engine " + engine.getEngineName() + " " + engine.getVersion());
        String path = libtorchPath();
        String source = properties.apply("tessera.natives.source");
        lines.add("libtorch: " + LibUtils.getVersion() + " loaded from " + path
                + (source == null ? "" : " (chosen by: " + source + ")"));
        lines.add("libtorch build: " + flavor(path, properties));
        int gpus = engine.getGpuCount();
        StringBuilder devices = new StringBuilder("cpu");
        for (int i = 0; i < gpus; i++) devices.append(", gpu(").append(i).append(')');
        lines.add("devices: " + devices + (gpus == 0 ? " (libtorch sees no GPU)" : ""));
        lines.add("compute: " + device + ", " + dtype.name().toLowerCase(Locale.ROOT)
                + (Boolean.getBoolean("ai.djl.pytorch.cudnn_benchmark") ? ", cuDNN benchmark mode" : ""));
        return lines;
    }

    private static String libtorchPath() {
        try {
            return LibUtils.getLibtorchPath();
        } catch (RuntimeException e) {
            return "(unknown: " + e + ")";
        }
    }

    /** The JNI flavor DJL used, and whether the folder is a CUDA build (it holds libtorch_cuda.so). */
    static String flavor(String libtorchDir, UnaryOperator<String> properties) {
        String flavor = System.getenv("PYTORCH_FLAVOR");
        if (flavor == null) flavor = properties.apply("PYTORCH_FLAVOR");
        boolean cuda = false;
        try {
            cuda = Files.exists(Path.of(libtorchDir).resolve("libtorch_cuda.so"));
        } catch (RuntimeException ignored) {
            // not a path: reported as a CPU build
        }
        return (cuda ? "CUDA" : "CPU") + (flavor == null ? "" : ", JNI flavor " + flavor);
    }

    /** The check in float32 and float16 on {@code device}, each against the CPU in float32. */
    static List<Check> checks(NDManager manager, Device device) {
        List<Check> checks = new ArrayList<>();
        try (NDManager cpu = manager.newSubManager(Device.cpu())) {
            float[][] inputs = inputs();
            NDArray reference = compute(cpu, Device.cpu(), DataType.FLOAT32, inputs);
            float[] ref = reference.toFloatArray();
            for (DataType dtype : List.of(DataType.FLOAT32, DataType.FLOAT16)) {
                String name = "conv+matmul+softmax " + device + " " + dtype.name().toLowerCase(Locale.ROOT);
                double tolerance = dtype == DataType.FLOAT16 ? FLOAT16_TOLERANCE : FLOAT32_TOLERANCE;
                try (NDManager on = manager.newSubManager(device)) {
                    float[] got = compute(on, device, dtype, inputs).toType(DataType.FLOAT32, false)
                            .toDevice(Device.cpu(), false).toFloatArray();
                    double max = 0;
                    for (int i = 0; i < ref.length; i++) {
                        double d = Math.abs(got[i] - ref[i]);
                        if (Double.isNaN(d)) d = Double.POSITIVE_INFINITY;
                        max = Math.max(max, d);
                    }
                    checks.add(new Check(name, max, tolerance, Double.isFinite(max) ? null : "not finite"));
                } catch (RuntimeException e) {
                    checks.add(new Check(name, Double.NaN, tolerance, e.getMessage() == null ? e.toString()
                            : e.getMessage().lines().findFirst().orElse(e.toString())));
                }
            }
        }
        return checks;
    }

    /** Fixed inputs (seed 16): image [2, 4, 16, 16], conv weight [8, 4, 3, 3] and bias [8], matrix [256, 64]. */
    private static float[][] inputs() {
        Random random = new Random(16);
        float[][] arrays = {new float[2 * 4 * 16 * 16], new float[8 * 4 * 3 * 3], new float[8], new float[256 * 64]};
        float[] scale = {1f, 0.15f, 0.1f, 0.0625f};
        for (int a = 0; a < arrays.length; a++) {
            for (int i = 0; i < arrays[a].length; i++) arrays[a][i] = (float) random.nextGaussian() * scale[a];
        }
        return arrays;
    }

    /** softmax(reshape(conv2d(x, w, b, padding 1), [2, 8, 256]) @ m) over the last axis: [2, 8, 64]. */
    private static NDArray compute(NDManager manager, Device device, DataType dtype, float[][] in) {
        NDArray x = manager.create(in[0], new Shape(2, 4, 16, 16)).toDevice(device, false).toType(dtype, false);
        NDArray w = manager.create(in[1], new Shape(8, 4, 3, 3)).toDevice(device, false).toType(dtype, false);
        NDArray b = manager.create(in[2], new Shape(8)).toDevice(device, false).toType(dtype, false);
        NDArray m = manager.create(in[3], new Shape(256, 64)).toDevice(device, false).toType(dtype, false);
        NDArray y = x.getNDArrayInternal().convolution(x, w, b, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                .singletonOrThrow();
        return y.reshape(2, 8, 256).matMul(m).softmax(-1);
    }

}
