package dev.tessera.models.sd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.testing.ConformancePack;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The reference conformance pack: locating it, reading its cases, opening its SD1.x checkpoints. */
final class Pack {

    /** The pack's tolerance for one forward pass in float32 on CPU. */
    static final double FORWARD_TOLERANCE = 1e-4;

    enum Layout {
        DIFFUSERS, SINGLE_FILE
    }

    private Pack() {
    }

    static Path root() {
        return ConformancePack.dir();
    }

    static Path sd15() {
        return root().resolve("sd15");
    }

    static Path singleFile() {
        return sd15().resolve("single-file/tiny-sd15.safetensors");
    }

    static StableDiffusionCheckpoint open(Layout layout, NDManager manager, DataType dtype) {
        return switch (layout) {
            case DIFFUSERS -> StableDiffusionCheckpoint.openDiffusers(sd15().resolve("diffusers"), Device.cpu(),
                    dtype, manager);
            case SINGLE_FILE -> StableDiffusionCheckpoint.openSingleFile(singleFile(),
                    sd15().resolve("single-file/tiny-sd15.arch.json"), Device.cpu(), dtype, manager);
        };
    }

    /** Every tensor of case file {@code sd15/cases/<name>.safetensors}, loaded onto {@code manager}. */
    static Map<String, NDArray> sd15Case(String name, NDManager manager) {
        Map<String, NDArray> tensors = new HashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(sd15().resolve("cases/" + name + ".safetensors"))) {
            for (String tensor : file.names()) {
                tensors.put(tensor, file.load(tensor, manager));
            }
        }
        return tensors;
    }

    /** {@code ||actual - expected|| / ||expected||}, computed in float64. */
    static double relativeError(NDArray actual, NDArray expected) {
        assertEquals(expected.getShape(), actual.getShape(), "shape");
        try (NDManager scratch = expected.getManager().newSubManager()) {
            NDArray a = actual.toType(DataType.FLOAT64, true);
            NDArray e = expected.toType(DataType.FLOAT64, true);
            a.attach(scratch);
            e.attach(scratch);
            double diff = a.sub(e).square().sum().getDouble();
            double norm = e.square().sum().getDouble();
            return Math.sqrt(diff / norm);
        }
    }

    /** Asserts the relative error is within {@code tolerance} and prints it. */
    static void assertClose(String what, NDArray actual, NDArray expected, double tolerance) {
        double error = relativeError(actual, expected);
        System.out.printf("%-55s relative L2 error %.3e (tolerance %.0e)%n", what, error, tolerance);
        assertTrue(error <= tolerance, what + ": relative L2 error " + error + " exceeds " + tolerance);
    }
}
