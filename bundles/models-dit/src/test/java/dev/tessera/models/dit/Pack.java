package dev.tessera.models.dit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The reference conformance pack's FLUX part: locating it, reading its cases, opening both layouts. */
final class Pack {

    static final double FORWARD_TOLERANCE = 1e-4;

    enum Layout {
        DIFFUSERS, SINGLE_FILE
    }

    private Pack() {
    }

    static Path root() {
        String dir = System.getProperty("tessera.conformance.dir");
        assertTrue(dir != null && Files.isDirectory(Path.of(dir)),
                "system property tessera.conformance.dir must name the conformance pack, was " + dir);
        return Path.of(dir);
    }

    static Path flux() {
        return root().resolve("flux");
    }

    static Path singleFile() {
        return flux().resolve("single-file/tiny-flux.safetensors");
    }

    static FluxCheckpoint open(Layout layout, NDManager manager, DataType dtype) {
        return switch (layout) {
            case DIFFUSERS -> FluxCheckpoint.openDiffusers(flux().resolve("diffusers/transformer"), dtype,
                    manager.newSubManager());
            case SINGLE_FILE -> FluxCheckpoint.openSingleFile(singleFile(),
                    flux().resolve("single-file/tiny-flux.arch.json"), dtype, manager.newSubManager());
        };
    }

    /** Every tensor of {@code flux/cases/<name>.safetensors} on {@code manager}. */
    static Map<String, NDArray> fluxCase(String name, NDManager manager) {
        Map<String, NDArray> tensors = new HashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(flux().resolve("cases/" + name + ".safetensors"))) {
            for (String tensor : file.names()) {
                tensors.put(tensor, file.load(tensor, manager));
            }
        }
        return tensors;
    }

    static FluxInput input(Map<String, NDArray> c) {
        return new FluxInput(c.get("hidden_states"), c.get("encoder_hidden_states"), c.get("pooled_projections"),
                c.get("timestep"), c.get("img_ids"), c.get("txt_ids"), c.get("guidance"));
    }

    static double relativeError(NDArray actual, NDArray expected) {
        assertEquals(expected.getShape(), actual.getShape(), "shape");
        double[] a = actual.toType(DataType.FLOAT64, true).toDoubleArray();
        double[] e = expected.toType(DataType.FLOAT64, true).toDoubleArray();
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < e.length; i++) {
            diff += (a[i] - e[i]) * (a[i] - e[i]);
            norm += e[i] * e[i];
        }
        return Math.sqrt(diff / norm);
    }

    static void assertClose(String what, NDArray actual, NDArray expected, double tolerance) {
        double error = relativeError(actual, expected);
        System.out.printf("%-60s relative L2 error %.3e (tolerance %.0e)%n", what, error, tolerance);
        assertTrue(error <= tolerance, what + ": relative L2 error " + error + " exceeds " + tolerance);
    }
}
