package dev.tessera.lora;

import ai.djl.ndarray.types.Shape;
import dev.tessera.lora.LoraMapping.ModuleTargets;
import dev.tessera.lora.internal.FamilyHints;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A LoRA file matched against the components of a model (UNet and text encoder, say): for each module, the
 * component and parameters it patches, or why it patches nothing. Modules of a component that is not patched
 * (text-encoder modules when only the model is loaded) are matched, just not applied.
 */
public final class LoraMatch {

    /** A module with the component it belongs to and the parameters it patches. */
    public record Matched(LoraModule module, LoraMapping component, ModuleTargets targets) {
    }

    private final LoraFile file;
    private final List<LoraMapping> components;
    private final List<LoraModule> considered;
    private final List<Matched> matched;
    private final List<String> mismatches;
    private final List<String> unmatchedModules;

    private LoraMatch(LoraFile file, List<LoraMapping> components, List<LoraModule> considered,
            List<Matched> matched, List<String> mismatches, List<String> unmatchedModules) {
        this.file = file;
        this.components = List.copyOf(components);
        this.considered = List.copyOf(considered);
        this.matched = List.copyOf(matched);
        this.mismatches = List.copyOf(mismatches);
        this.unmatchedModules = List.copyOf(unmatchedModules);
    }

    /** Matches every module of {@code file} against the first of {@code components} whose table has its key. */
    public static LoraMatch of(LoraFile file, List<LoraMapping> components) {
        return of(file, components, module -> true);
    }

    /**
     * Matches the modules of {@code file} that {@code considered} accepts (e.g. those addressed to the text
     * encoder, when only the text encoder's table is at hand); the others are ignored, neither matched nor
     * reported.
     */
    public static LoraMatch of(LoraFile file, List<LoraMapping> components, Predicate<LoraModule> considered) {
        List<LoraModule> modules = file.modules().stream().filter(considered).toList();
        List<Matched> matched = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        for (LoraModule module : modules) {
            Optional<Matched> found = find(module, components);
            if (found.isEmpty()) {
                unmatched.add(module.key());
                continue;
            }
            String mismatch = shapeMismatch(module, found.get());
            if (mismatch != null) {
                mismatches.add(mismatch);
            } else {
                matched.add(found.get());
            }
        }
        return new LoraMatch(file, components, modules, matched, mismatches, unmatched);
    }

    private static Optional<Matched> find(LoraModule module, List<LoraMapping> components) {
        for (LoraMapping component : components) {
            Optional<ModuleTargets> targets = component.targets(module.key());
            if (targets.isPresent()) {
                return Optional.of(new Matched(module, component, targets.get()));
            }
        }
        return Optional.empty();
    }

    /** Why {@code module}'s factors cannot patch its targets, or null if they can. */
    private static String shapeMismatch(LoraModule module, Matched match) {
        String where = "'" + module.key() + "' (" + match.component().component() + ")";
        if (module.outRows() != match.targets().moduleRows()) {
            LoraTarget first = match.targets().targets().get(0);
            return where + ": up factor " + module.upShape() + " has " + module.outRows() + " rows, '"
                    + first.parameter() + "' " + first.shape() + (match.targets().targets().size() > 1
                            ? " and the parameters fused with it need " : " needs ")
                    + match.targets().moduleRows();
        }
        for (LoraTarget target : match.targets().targets()) {
            Shape in = squeezeTrailingOnes(module.inShape());
            if (!in.equals(squeezeTrailingOnes(target.shape().slice(1)))) {
                return where + ": down factor " + module.downShape() + " takes inputs " + module.inShape() + ", '"
                        + target.parameter() + "' has shape " + target.shape();
            }
        }
        return null;
    }

    /** [16, 1, 1] → [16]: a linear LoRA fits a 1x1 convolution and the other way round. */
    private static Shape squeezeTrailingOnes(Shape shape) {
        int dims = shape.dimension();
        while (dims > 1 && shape.get(dims - 1) == 1) {
            dims--;
        }
        return shape.slice(0, dims);
    }

    /**
     * Throws unless the file fits: at least one module matches, and no module matches a parameter name with factors
     * of the wrong shape (the sign of a LoRA for another architecture: SD2's 1024-wide context on SD1.x, SDXL's
     * blocks on SD1.x). The message says what did not match and what the keys look like.
     *
     * @return this
     */
    public LoraMatch requireFits() {
        String names = components.stream().map(LoraMapping::component).collect(Collectors.joining(" / "));
        List<String> keys = considered.stream().map(LoraModule::key).toList();
        String hint = FamilyHints.describe(keys);
        String unmatchedPart = unmatchedModules.isEmpty() ? ""
                : "; " + unmatchedModules.size() + " match no parameter name (first: "
                        + String.join(", ", first(unmatchedModules, 3)) + ")";
        if (!mismatches.isEmpty()) {
            throw new LoraException(file.path() + ": LoRA does not fit this " + names + ": " + mismatches.size()
                    + " of " + keys.size() + " modules name a parameter of another shape (first: "
                    + String.join("; ", first(mismatches, 3)) + ")" + unmatchedPart
                    + (hint.isEmpty() ? "" : "; " + hint));
        }
        if (matched.isEmpty()) {
            throw new LoraException(file.path() + ": LoRA does not fit this " + names + ": none of its "
                    + keys.size() + " modules matches a parameter (first keys: " + String.join(", ", first(keys, 3))
                    + ")" + (hint.isEmpty() ? "" : "; " + hint));
        }
        return this;
    }

    private static List<String> first(List<String> items, int n) {
        return items.subList(0, Math.min(n, items.size()));
    }

    public LoraFile file() {
        return file;
    }

    /** The modules matched against the components (all of the file's unless a filter was given). */
    public List<LoraModule> considered() {
        return considered;
    }

    /** The modules that fit, each with its component. */
    public List<Matched> matched() {
        return matched;
    }

    /** How many modules fit {@code component}. */
    public long matchedCount(LoraMapping component) {
        return matched.stream().filter(m -> m.component() == component).count();
    }

    /** Modules whose key names a parameter whose shape their factors do not fit, as messages. */
    public List<String> mismatches() {
        return mismatches;
    }

    /** Module keys no component knows, then tensors that are no part of a pair: reported, never dropped silently. */
    public UnmatchedKeys unmatched() {
        List<String> all = new ArrayList<>(unmatchedModules);
        all.addAll(file.strayKeys());
        return UnmatchedKeys.of(all);
    }

    /** Considered module keys no component knows (without the file's stray tensors). */
    public UnmatchedKeys unmatchedModules() {
        return UnmatchedKeys.of(unmatchedModules);
    }

    /**
     * The patch of this file's modules for {@code component} at {@code strength} (LoraLoader's strength_model or
     * strength_clip).
     *
     * @throws LoraException if {@code strength} is not finite, or {@code component} was not matched against
     */
    public LoraPatch patch(LoraMapping component, double strength) {
        if (!Double.isFinite(strength)) {
            throw new LoraException(file.path() + ": strength " + strength + " for the " + component.component()
                    + " is not a finite number");
        }
        if (!components.contains(component)) {
            throw new IllegalArgumentException(component + " is not one of the components matched: " + components);
        }
        List<Matched> modules = matched.stream().filter(m -> m.component() == component).toList();
        return new LoraPatch(file, component, strength, modules);
    }
}
