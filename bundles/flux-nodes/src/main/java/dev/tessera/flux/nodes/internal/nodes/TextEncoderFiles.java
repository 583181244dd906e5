package dev.tessera.flux.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.flux.nodes.internal.FluxTextEncoders;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.models.core.sharing.FileStamp;
import dev.tessera.tensor.TensorRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * What the text-encoder loaders (DualCLIPLoader, TripleCLIPLoader, CLIPLoader) share: the files of
 * {@code models/text_encoders} and the older {@code models/clip}, resolving a chosen name, loading with failures
 * reported on the input of the file at fault, and a change key over the files and their folders.
 */
final class TextEncoderFiles {

    static final List<String> FOLDERS = List.of("text_encoders", "clip");

    /** Opens the encoders of the chosen files; {@code manager} is theirs (closed here when loading fails). */
    interface Opener {
        TextEncoder open(List<Path> files, Path tokenizers, NDManager manager) throws Exception;
    }

    /** ComfyUI's optional {@code device} input of CLIPLoader and DualCLIPLoader (an advanced widget). */
    static final InputSpec DEVICE = InputSpec.combo("device", List.of("default", "cpu")).asOptional();

    private TextEncoderFiles() {}

    /**
     * {@code device = cpu} puts ComfyUI's text encoders on the CPU; here they run on the runtime's device, so
     * {@code cpu} is taken where that is the CPU and refused, naming the input, elsewhere.
     */
    static void checkDevice(NodeInputs inputs, TensorRuntime tensors) {
        if (inputs.has("device") && inputs.getString("device").equals("cpu")
                && tensors.device().isGpu()) {
            throw NodeException.invalidInput("device", "'cpu' is not supported on " + tensors.device() + ": the text"
                    + " encoders run on the runtime's device; use 'default'");
        }
    }

    static List<String> list(Folders folders) {
        TreeSet<String> names = new TreeSet<>();
        for (String kind : FOLDERS) {
            names.addAll(folders.listModelFiles(kind, List.of(".safetensors")));
        }
        return List.copyOf(names);
    }

    static Path resolve(Folders folders, String input, String name) {
        NodeException last = null;
        for (String kind : FOLDERS) {
            try {
                Path file = folders.resolveModelFile(kind, name);
                if (Files.exists(file)) {
                    return file;
                }
            } catch (NodeException e) {
                last = e;
            }
        }
        throw NodeException.invalidInput(input, "'" + name + "' is not in " + FOLDERS.stream()
                .map(k -> folders.modelFolder(k).toString()).toList() + (last == null ? "" : ": " + last.getMessage()));
    }

    /** Resolves the files of {@code inputs} and opens them; a failure names the input of the file at fault. */
    static NodeResult load(Folders folders, TensorRuntime tensors, NodeInputs values, List<String> inputs,
            ExecutionContext context, String node, Opener opener) {
        List<Path> files = inputs.stream().map(input -> resolve(folders, input, values.getString(input))).toList();
        // Read without the user naming it: confined like the chosen files.
        Path tokenizers = folders.checkInsideModels(folders.models().resolve("tokenizers"));
        NDManager manager = tensors.newManager(node + " " + context.nodeId());
        try {
            return NodeResult.of(tensors.call(() -> opener.open(files, tokenizers, manager)));
        } catch (FluxTextEncoders.InputException e) {
            manager.close();
            throw NodeException.invalidInput(inputs.get(Math.min(e.input(), inputs.size() - 1)), e.getMessage());
        } catch (IllegalArgumentException | dev.tessera.models.core.ModelLoadException
                | dev.tessera.tokenizers.TokenizerException e) {
            manager.close();
            throw NodeException.invalidInput(inputs.get(0), e.getMessage());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        } catch (Exception e) {
            manager.close();
            throw NodeException.failed("cannot load " + files + ": " + e.getMessage(), e);
        }
    }

    /** The chosen files' (and their folders') sizes and times, and the type: a replaced file loads anew. */
    static String changeKey(Folders folders, NodeInputs widgetValues, List<String> inputs) {
        StringBuilder key = new StringBuilder(widgetValues.has("type") ? widgetValues.getString("type") : "");
        for (String input : inputs) {
            String name = widgetValues.getString(input);
            for (String kind : FOLDERS) {
                Path file = folders.modelFolder(kind).resolve(name);
                key.append('|').append(FileStamp.changeKey(file));
                if (Files.exists(file)) {
                    try (var siblings = Files.list(file.getParent())) {
                        siblings.sorted().forEach(p -> key.append(';').append(FileStamp.changeKey(p)));
                    } catch (IOException | RuntimeException e) {
                        key.append(";unlisted");
                    }
                }
            }
        }
        return key.toString();
    }
}
