package dev.tessera.models.sd.loading;

import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.loading.StoredPart;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Checks a component's stored tensors against the parameters its model will ask for, from the header alone,
 * before any data is read: the first missing parameter, the first shape mismatch, then the first stored tensor of
 * the component that the model has no use for.
 */
final class ComponentCheck {

    private ComponentCheck() {
    }

    /**
     * @param component   "unet", "vae" or "text encoder", for messages
     * @param expected    canonical name to shape, in the order the model asks
     * @param storedNames canonical name to stored name
     * @param squeezed    canonical names stored as [out, in, 1, 1] for a linear [out, in]
     * @param belongs     which stored names are this component's (all others are someone else's business)
     * @param harmless    stored names of the component that carry no parameter (buffers such as position_ids)
     */
    static void verify(String component, SafetensorsFile file, Map<String, Shape> expected,
            Map<String, String> storedNames, Set<String> squeezed, Predicate<String> belongs,
            Predicate<String> harmless) {
        for (Map.Entry<String, Shape> entry : expected.entrySet()) {
            String name = entry.getKey();
            String stored = storedNames.get(name);
            String as = stored.equals(name) ? "" : " (stored as '" + stored + "')";
            if (!file.contains(stored)) {
                throw new ModelLoadException(file.path() + ": " + component + " parameter '" + name + "'" + as
                        + " is missing; expected shape " + entry.getValue());
            }
            long[] found = file.info(stored).shape();
            Shape shape = new Shape(found);
            if (squeezed.contains(name) && found.length == 4 && found[2] == 1 && found[3] == 1) {
                shape = new Shape(found[0], found[1]);
            }
            if (!shape.equals(entry.getValue())) {
                throw new ModelLoadException(file.path() + ": " + component + " parameter '" + name + "'" + as
                        + " has shape " + Arrays.toString(found) + ", expected " + entry.getValue());
            }
        }
        reportUnexpected(component, file, new HashSet<>(storedNames.values()), belongs, harmless);
    }

    /**
     * {@link #verify} for parameters cut out of or transposed from stored tensors ({@link StoredPart}): a fused
     * tensor must have the fused shape.
     */
    static void verifyParts(String component, SafetensorsFile file, Map<String, Shape> expected,
            Map<String, StoredPart> parts, Predicate<String> belongs, Predicate<String> harmless) {
        Set<String> used = new HashSet<>();
        for (Map.Entry<String, Shape> entry : expected.entrySet()) {
            String name = entry.getKey();
            StoredPart part = parts.get(name);
            if (!file.contains(part.stored())) {
                throw new ModelLoadException(file.path() + ": " + component + " parameter '" + name + "' ("
                        + part.describe(name).replaceFirst(" in .*$", "") + ") is missing; expected shape "
                        + entry.getValue());
            }
            long[] found = file.info(part.stored()).shape();
            if (!new Shape(part.canonicalShape(found)).equals(entry.getValue())
                    || part.sliced() && found[0] != part.fusedRows()) {
                throw new ModelLoadException(file.path() + ": " + component + " parameter '" + name + "' ("
                        + part.describe(name).replaceFirst(" in .*$", "") + ") has stored shape "
                        + Arrays.toString(found) + ", expected " + entry.getValue()
                        + (part.sliced() ? " (of " + part.fusedRows() + " fused rows)" : ""));
            }
            used.add(part.stored());
        }
        reportUnexpected(component, file, used, belongs, harmless);
    }

    private static void reportUnexpected(String component, SafetensorsFile file, Set<String> used,
            Predicate<String> belongs, Predicate<String> harmless) {
        Set<String> unexpected = new TreeSet<>();
        for (String stored : file.names()) {
            if (belongs.test(stored) && !used.contains(stored) && !harmless.test(stored)) {
                unexpected.add(stored);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new ModelLoadException(file.path() + ": unexpected " + component + " tensor '" + unexpected.iterator()
                    .next() + "' (" + unexpected.size() + " in all): not a parameter of the " + component
                    + " configuration this file describes");
        }
    }
}
