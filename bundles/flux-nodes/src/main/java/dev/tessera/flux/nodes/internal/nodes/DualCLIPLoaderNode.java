package dev.tessera.flux.nodes.internal.nodes;

import dev.tessera.flux.nodes.internal.FluxTextEncoders;
import dev.tessera.flux.nodes.internal.Sd3TextEncoders;
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
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's DualCLIPLoader from {@code models/text_encoders} (or the older {@code models/clip}), either order, told
 * apart by their tensors. {@code type = flux}: a T5 encoder and CLIP-L, whose CLIPTextEncode gives FLUX
 * conditioning (T5 a single file or a transformers folder: pick its {@code model*.safetensors}; tokenizers: see
 * {@link FluxTextEncoders}). {@code type = sd3}: two of SD3's three encoders (CLIP-L, CLIP-G, T5-XXL), the third
 * absent as ComfyUI allows ({@link Sd3TextEncoders}).
 */
@Component(service = NodeType.class)
public final class DualCLIPLoaderNode implements NodeType {

    static final List<String> TYPES = List.of("flux", "sd3");
    private static final List<String> INPUTS = List.of("clip_name1", "clip_name2");

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
                .description("[Recipes]\n\nsd3: clip-l, clip-g / clip-l, t5 / clip-g, t5\n"
                        + "flux: clip-l, t5")
                .input(InputSpec.combo("clip_name1", () -> TextEncoderFiles.list(folders), null))
                .input(InputSpec.combo("clip_name2", () -> TextEncoderFiles.list(folders), null))
                .input(InputSpec.combo("type", TYPES))
                .input(TextEncoderFiles.DEVICE)
                .output("CLIP", ValueType.CLIP)
                .build();
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
        TextEncoderFiles.checkDevice(inputs, tensors);
        return TextEncoderFiles.load(folders, tensors, inputs, INPUTS, context, "DualCLIPLoader",
                (files, tokenizers, manager) -> type.equals("sd3")
                        ? Sd3TextEncoders.open(files, tokenizers, tensors.computeType(), manager)
                        : FluxTextEncoders.open(files.get(0), files.get(1), tokenizers, tensors.computeType(),
                                manager));
    }

    /** Both files' (and their folders') sizes and times: a replaced file loads anew. */
    @Override
    public Object changeKey(NodeInputs widgetValues) {
        return TextEncoderFiles.changeKey(folders, widgetValues, INPUTS);
    }
}
