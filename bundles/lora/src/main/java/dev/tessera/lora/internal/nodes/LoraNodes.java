package dev.tessera.lora.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.ModelFileList;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.lora.LoraException;
import dev.tessera.lora.LoraFile;
import dev.tessera.lora.LoraModule;
import dev.tessera.lora.internal.FamilyHints;
import dev.tessera.lora.internal.LoraCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What LoraLoader and LoraLoaderModelOnly share: the {@code loras} folder, strengths, the early file check. */
final class LoraNodes {

    static final String LORAS = "loras";
    static final String LORA_NAME = "lora_name";
    static final String STRENGTH_MODEL = "strength_model";
    static final String STRENGTH_CLIP = "strength_clip";

    private LoraNodes() {
    }

    /**
     * The files of the {@code loras} folder, then the names active LoRA bundles offer (a folder file of the same name
     * wins), both read again whenever the editor asks and whenever a workflow is validated: a file added or a
     * bundle started shows at once, and a workflow naming one that is gone fails validation.
     */
    static InputSpec loraCombo(Folders folders, LoraCatalog bundled) {
        return InputSpec.combo(LORA_NAME, () -> options(folders, bundled), null)
                .withTooltip("The name of the LoRA.");
    }

    static List<String> options(Folders folders, LoraCatalog bundled) {
        List<String> files = folders.listModelFiles(LORAS, List.of(".safetensors"));
        Set<String> options = new LinkedHashSet<>(files);
        options.addAll(bundled.names());
        // Keeps the host's count of links leading out, for the message when the name is not among these.
        return ModelFileList.keepingSkipped(files, List.copyOf(options));
    }

    /** ComfyUI's strength widget: default 1, [-100, 100] in steps of 0.01. */
    static InputSpec strength(String name, String tooltip) {
        return InputSpec.decimal(name, 1.0, -100.0, 100.0, 0.01, 0.01).withTooltip(tooltip);
    }

    /** The folder's file of that name, else the file an active LoRA bundle offers under it. */
    static Path resolve(Folders folders, LoraCatalog bundled, String name) {
        try {
            return folders.resolveModelFile(LORAS, name);
        } catch (NodeException e) {
            Optional<Path> offered = bundled.find(name);
            if (offered.isPresent()) {
                return offered.get();
            }
            throw NodeException.invalidInput(LORA_NAME, e.getMessage() + "; no active LoRA bundle offers '" + name
                    + "' either");
        }
    }

    /** The strength in {@code input}, which must be a finite number. */
    static double strength(NodeInputs inputs, String input) {
        double strength = inputs.getFloat(input);
        if (!Double.isFinite(strength)) {
            throw NodeException.invalidInput(input, input + " must be a finite number, got " + strength);
        }
        return strength;
    }

    /** Non-finite strengths among the widget values, found before anything runs. */
    static List<InputProblem> strengthProblems(NodeInputs widgetValues, String... inputs) {
        List<InputProblem> problems = new ArrayList<>();
        for (String input : inputs) {
            if (widgetValues.has(input) && !Double.isFinite(widgetValues.getFloat(input))) {
                problems.add(InputProblem.of(input, input + " must be a finite number, got "
                        + widgetValues.getFloat(input)));
            }
        }
        return problems;
    }

    /**
     * Opens and validates the file at once (format, pairs, ranks, alphas), so a broken file fails at the LoRA node
     * rather than at the sampler, and refuses a file whose keys plainly belong to another family than the model's.
     * The exact fit (every module against the model's parameters) is checked when the patched model is built.
     */
    static void inspect(Path file, String modelFamily, NDManager manager) {
        try (LoraFile lora = LoraFile.open(file, manager)) {
            List<String> keys = lora.modules().stream().map(LoraModule::key).toList();
            FamilyHints.Guess guess = FamilyHints.guess(keys);
            if ("sd1".equals(modelFamily) && guess.foreignToSd1()) {
                throw NodeException.invalidInput(LORA_NAME, file + ": this LoRA does not fit an SD1.x model: "
                        + guess.clause() + " (first keys: " + String.join(", ", keys.subList(0, Math.min(3,
                        keys.size()))) + ")");
            }
        } catch (LoraException e) {
            throw new NodeException("invalid_input", LORA_NAME, e.getMessage(), e);
        }
    }

    /**
     * The file's size and modification time: a replaced LoRA file loads anew. A bundled LoRA's copy is named by its
     * bundle's id and last-modified time, so an updated bundle gives a new key too.
     */
    static String fingerprint(Folders folders, LoraCatalog bundled, String name) {
        Path file = folders.modelFolder(LORAS).resolve(name);
        if (!Files.isRegularFile(file)) {
            file = bundled.find(name).orElse(file);
        }
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return file + "|unreadable";
        }
    }
}
