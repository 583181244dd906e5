package dev.tessera.models.t5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The project's conformance pack (t5 part) for tests. */
public final class Pack {

    private Pack() {
    }

    public static Path root() {
        String dir = System.getProperty("tessera.conformance.dir");
        assertTrue(dir != null && Files.isDirectory(Path.of(dir)), "tessera.conformance.dir must name the pack: " + dir);
        return Path.of(dir);
    }

    public static Path encoderFolder() {
        return root().resolve("t5/encoder");
    }

    /** Every tensor of t5/cases/encoder on {@code manager}. */
    public static Map<String, NDArray> encoderCase(NDManager manager) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(root().resolve("t5/cases/encoder.safetensors"))) {
            for (String name : file.names()) {
                tensors.put(name, file.load(name, manager));
            }
        }
        return tensors;
    }

    /** Every tensor of {@code file} on {@code manager}, by stored name. */
    public static Map<String, NDArray> all(Path file, NDManager manager) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (SafetensorsFile opened = SafetensorsFile.open(file)) {
            for (String name : opened.names()) {
                tensors.put(name, opened.load(name, manager));
            }
        }
        return tensors;
    }

    /** Relative L2 error in double precision. */
    public static double relativeError(NDArray actual, NDArray expected) {
        assertEquals(expected.getShape(), actual.getShape(), "shape");
        double[] a = actual.toType(DataType.FLOAT64, true).toDoubleArray();
        double[] e = expected.toType(DataType.FLOAT64, true).toDoubleArray();
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - e[i]) * (a[i] - e[i]);
            norm += e[i] * e[i];
        }
        return Math.sqrt(diff / norm);
    }

    public static void assertClose(String what, NDArray actual, NDArray expected, double tolerance) {
        double error = relativeError(actual, expected);
        assertTrue(error <= tolerance, what + ": relative error " + error + " > " + tolerance);
    }
}
