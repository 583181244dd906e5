package dev.tessera.lora.patch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.lora.LoraException;
import dev.tessera.lora.LoraFile;
import dev.tessera.lora.LoraMapping;
import dev.tessera.lora.LoraMatch;
import dev.tessera.lora.LoraMerge;
import dev.tessera.lora.UnmatchedKeys;
import dev.tessera.model.api.ParameterView;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.models.core.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One side of a LoRA file (its diffusion-model modules, or its text-encoder modules) at one strength, as a weight
 * patch on a model handle. Holds only the path and the file's fingerprint: the file is read when the handle builds
 * its patched model, and closed again. At strength 0, or when the file has no modules for this side (a UNet-only
 * LoRA on the CLIP), it replaces nothing.
 *
 * <p>On apply it fails with a {@link LoraException} if the file does not fit the component (what did not match is in
 * the message), and logs the keys it could not place (count and first few) as a warning.
 */
public final class LoraWeightPatch implements WeightPatch {

    private static final System.Logger LOG = System.getLogger("dev.tessera.lora");

    private final Path file;
    private final LoraSide side;
    private final double strength;
    private final String fingerprint;

    /**
     * @throws LoraException if {@code strength} is not finite or the file cannot be read
     */
    public LoraWeightPatch(Path file, LoraSide side, double strength) {
        this.file = Objects.requireNonNull(file, "file");
        this.side = Objects.requireNonNull(side, "side");
        if (!Double.isFinite(strength)) {
            throw new LoraException(file + ": strength " + strength + " is not a finite number");
        }
        this.strength = strength;
        this.fingerprint = fingerprint(file);
    }

    public Path file() {
        return file;
    }

    public LoraSide side() {
        return side;
    }

    public double strength() {
        return strength;
    }

    /** The file, its size and modification time, the side and the strength: a replaced file is a new patch. */
    @Override
    public String key() {
        return "lora:" + side + ":" + strength + ":" + fingerprint;
    }

    @Override
    public Map<String, NDArray> apply(ParameterView current, NDManager target) {
        if (strength == 0) {
            return Map.of(); // W + 0 * delta is W: nothing to read or copy
        }
        LoraMapping mapping = ComponentMappings.forView(current);
        try (NDManager scratch = target.newSubManager(); LoraFile lora = LoraFile.open(file, scratch)) {
            if (!fingerprint(file).equals(fingerprint)) {
                throw new LoraException(file + ": the file changed since the LoRA was loaded; run the workflow again");
            }
            LoraMatch match = LoraMatch.of(lora, List.of(mapping), m -> side.owns(m.key())
                    && ComponentMappings.keyFor(current.component(), m.key()));
            if (match.considered().isEmpty()) {
                return Map.of();
            }
            match.requireFits();
            report(match, mapping);
            Weights weights = (name, shape) -> current.get(name);
            return LoraMerge.mergedCopies(weights, List.of(match.patch(mapping, strength)), target);
        }
    }

    private void report(LoraMatch match, LoraMapping mapping) {
        // Stray tensors belong to neither side: reported once, with the model side.
        UnmatchedKeys unmatched = side == LoraSide.MODEL ? match.unmatched() : match.unmatchedModules();
        if (!unmatched.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "LoRA {0} on the {1}: {2}", file, mapping.component(), unmatched);
        }
    }

    private static String fingerprint(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file.toAbsolutePath() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            throw new LoraException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "LoraWeightPatch[" + file.getFileName() + ", " + side + ", " + strength + "]";
    }
}
