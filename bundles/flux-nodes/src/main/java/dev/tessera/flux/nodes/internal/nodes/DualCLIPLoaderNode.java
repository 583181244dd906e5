package dev.tessera.flux.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.flux.nodes.internal.FluxTextEncoders;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.tensor.TensorRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's DualCLIPLoader for {@code type = flux}: a T5 encoder and CLIP-L, in either order, from
 * {@code models/text_encoders} (or the older {@code models/clip}), as one CLIP whose CLIPTextEncode gives FLUX
 * conditioning. T5 is a single file or a transformers folder (pick its {@code model*.safetensors}); which file is
 * which is told from the tensor names. Tokenizers: see {@link FluxTextEncoders}.
 */
@Component(service = NodeType.class)
public final class DualCLIPLoaderNode implements NodeType {

    static final List<String> FOLDERS = List.of("text_encoders", "clip");
    static final List<String> TYPES = List.of("flux");

    private final Folders folders;
    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor;

    @Activate
    public DualCLIPLoaderNode(@Reference Folders folders, @Reference TensorRuntime tensors) {
        this.folders = folders;
        this.tensors = tensors;
        this.descriptor = NodeDescriptor.builder("DualCLIPLoader")
                .displayName("DualCLIPLoader")
                .category("advanced/loaders")
                .description("[Recipes]\n\nflux: clip-l, t5")
                .input(InputSpec.combo("clip_name1", this::files, null))
                .input(InputSpec.combo("clip_name2", this::files, null))
                .input(InputSpec.combo("type", TYPES))
                .output("CLIP", ValueType.CLIP)
                .build();
    }

    private List<String> files() {
        TreeSet<String> names = new TreeSet<>();
        for (String kind : FOLDERS) {
            names.addAll(folders.listModelFiles(kind, List.of(".safetensors")));
        }
        return List.copyOf(names);
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        String type = inputs.getString("type");
        if (!TYPES.contains(type)) {
            throw NodeException.invalidInput("type", "'" + type + "' is not supported; DualCLIPLoader loads " + TYPES);
        }
        Path first = resolve("clip_name1", inputs.getString("clip_name1"));
        Path second = resolve("clip_name2", inputs.getString("clip_name2"));
        // Read without the user naming it: confined like the chosen files.
        Path tokenizers = folders.checkInsideModels(folders.models().resolve("tokenizers"));
        NDManager manager = tensors.newManager("DualCLIPLoader " + context.nodeId());
        try {
            return NodeResult.of(tensors.call(() -> FluxTextEncoders.open(first, second,
                    tokenizers, tensors.computeType(), manager)));
        } catch (FluxTextEncoders.InputException e) {
            manager.close();
            throw NodeException.invalidInput(e.input() == 0 ? "clip_name1" : "clip_name2", e.getMessage());
        } catch (IllegalArgumentException | dev.tessera.models.core.ModelLoadException
                | dev.tessera.tokenizers.TokenizerException e) {
            manager.close();
            throw NodeException.invalidInput("clip_name1", e.getMessage());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        } catch (Exception e) {
            manager.close();
            throw NodeException.failed("cannot load " + first + " and " + second + ": " + e.getMessage(), e);
        }
    }

    private Path resolve(String input, String name) {
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

    /** Both files' (and their folders') sizes and times: a replaced file loads anew. */
    @Override
    public Object changeKey(NodeInputs widgetValues) {
        StringBuilder key = new StringBuilder(widgetValues.getString("type"));
        for (String input : List.of("clip_name1", "clip_name2")) {
            String name = widgetValues.getString(input);
            for (String kind : FOLDERS) {
                Path file = folders.modelFolder(kind).resolve(name);
                key.append('|').append(fingerprint(file));
                if (Files.exists(file)) {
                    try (var siblings = Files.list(file.getParent())) {
                        siblings.sorted().forEach(p -> key.append(';').append(fingerprint(p)));
                    } catch (IOException | RuntimeException e) {
                        key.append(";unlisted");
                    }
                }
            }
        }
        return key.toString();
    }

    private static String fingerprint(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return file + "|missing";
        }
    }
}
