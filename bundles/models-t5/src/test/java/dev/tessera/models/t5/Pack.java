package dev.tessera.models.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.testing.Closeness;
import dev.tessera.testing.ConformancePack;
import java.nio.file.Path;
import java.util.Map;

/** The project's conformance pack (t5 part) for tests. */
public final class Pack {

    private Pack() {
    }

    public static Path root() {
        return ConformancePack.dir();
    }

    public static Path encoderFolder() {
        return root().resolve("t5/encoder");
    }

    /** Every tensor of t5/cases/encoder on {@code manager}. */
    public static Map<String, NDArray> encoderCase(NDManager manager) {
        return ConformancePack.tensors(root().resolve("t5/cases/encoder.safetensors"), manager);
    }

    /** Every tensor of {@code file} on {@code manager}, by stored name. */
    public static Map<String, NDArray> all(Path file, NDManager manager) {
        return ConformancePack.tensors(file, manager);
    }

    /** Relative L2 error in double precision. */
    public static double relativeError(NDArray actual, NDArray expected) {
        return Closeness.relativeError(actual, expected);
    }

    public static void assertClose(String what, NDArray actual, NDArray expected, double tolerance) {
        Closeness.assertClose(what, actual, expected, tolerance);
    }
}
