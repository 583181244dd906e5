package dev.tessera.models.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import dev.tessera.testing.Closeness;
import dev.tessera.testing.ConformancePack;
import java.nio.file.Path;
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
        return ConformancePack.dir();
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
        return ConformancePack.tensors(flux().resolve("cases/" + name + ".safetensors"), manager);
    }

    static FluxInput input(Map<String, NDArray> c) {
        return new FluxInput(c.get("hidden_states"), c.get("encoder_hidden_states"), c.get("pooled_projections"),
                c.get("timestep"), c.get("img_ids"), c.get("txt_ids"), c.get("guidance"));
    }

    static double relativeError(NDArray actual, NDArray expected) {
        return Closeness.relativeError(actual, expected);
    }

    static void assertClose(String what, NDArray actual, NDArray expected, double tolerance) {
        Closeness.assertClose(what, actual, expected, tolerance);
    }
}
