package dev.tessera.models.dit.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.Tolerance;
import dev.tessera.tensor.safetensors.SafetensorsFile;

/** Reading a pack case's tensors and comparing one forward pass with them, for the transformer families. */
final class PackCases {

    private PackCases() {
    }

    /** {@code actual} against the case's tensor {@code output} (1e-4), reported as {@code output + suffix}. */
    static Comparison compare(String output, String suffix, NDArray actual, SafetensorsFile file,
            NDManager manager) {
        Comparison c = Comparison.relativeL2(output, actual.toType(DataType.FLOAT32, false),
                load(file, output, manager), Tolerance.FORWARD_PASS);
        return new Comparison(output + suffix, c.kind(), c.error(), c.tolerance());
    }

    static NDArray load(SafetensorsFile file, String name, NDManager manager) {
        if (!file.contains(name)) {
            throw new IllegalArgumentException(file.path() + ": no tensor '" + name + "' (the case has "
                    + file.names() + ")");
        }
        return file.load(name, manager);
    }
}
