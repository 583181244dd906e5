package dev.tessera.flux.nodes.internal.nodes;

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
 * ComfyUI's CLIPLoader (Load CLIP) for {@code type = sd3}: one of SD3's encoders (CLIP-L, CLIP-G or T5-XXL), the
 * other two absent as ComfyUI allows (their part of the conditioning is left out or zero, see
 * {@link Sd3TextEncoders}). ComfyUI's other types are for families this bundle does not load.
 */
@Component(service = NodeType.class)
public final class CLIPLoaderNode implements NodeType {

    static final List<String> TYPES = List.of("sd3");
    private static final List<String> INPUTS = List.of("clip_name");

    private final Folders folders;
    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor;

    @Activate
    public CLIPLoaderNode(@Reference Folders folders, @Reference TensorRuntime tensors) {
        this.folders = folders;
        this.tensors = tensors;
        this.descriptor = NodeDescriptor.builder("CLIPLoader")
                .displayName("Load CLIP")
                .category("advanced/loaders")
                .description("[Recipes]\n\nsd3: t5 xxl/ clip-g / clip-l")
                .input(InputSpec.combo("clip_name", () -> TextEncoderFiles.list(folders), null))
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
            throw NodeException.invalidInput("type", "'" + type + "' is not supported; CLIPLoader loads " + TYPES);
        }
        TextEncoderFiles.checkDevice(inputs, tensors);
        return TextEncoderFiles.load(folders, tensors, inputs, INPUTS, context, "CLIPLoader",
                (files, tokenizers, manager) -> Sd3TextEncoders.open(files, tokenizers, tensors.computeType(),
                        manager));
    }

    @Override
    public Object changeKey(NodeInputs widgetValues) {
        return TextEncoderFiles.changeKey(folders, widgetValues, INPUTS);
    }
}
