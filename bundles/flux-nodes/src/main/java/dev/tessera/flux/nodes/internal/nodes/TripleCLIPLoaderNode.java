package dev.tessera.flux.nodes.internal.nodes;

import dev.tessera.flux.nodes.internal.Sd3TextEncoders;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
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
 * ComfyUI's TripleCLIPLoader: SD3's three text encoders (CLIP-L, CLIP-G, T5-XXL; any order, told apart by their
 * tensors, see {@link Sd3TextEncoders}) from {@code models/text_encoders} or {@code models/clip}, as one CLIP whose
 * CLIPTextEncode and CLIPTextEncodeSD3 give SD3 conditioning.
 */
@Component(service = NodeType.class)
public final class TripleCLIPLoaderNode implements NodeType {

    private static final List<String> INPUTS = List.of("clip_name1", "clip_name2", "clip_name3");

    private final Folders folders;
    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor;

    @Activate
    public TripleCLIPLoaderNode(@Reference Folders folders, @Reference TensorRuntime tensors) {
        this.folders = folders;
        this.tensors = tensors;
        NodeDescriptor.Builder builder = NodeDescriptor.builder("TripleCLIPLoader")
                .displayName("TripleCLIPLoader")
                .category("advanced/loaders")
                .description("[Recipes]\n\nsd3: clip-l, clip-g, t5");
        for (String input : INPUTS) {
            builder.input(InputSpec.combo(input, () -> TextEncoderFiles.list(folders), null));
        }
        this.descriptor = builder.output("CLIP", ValueType.CLIP).build();
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return TextEncoderFiles.load(folders, tensors, inputs, INPUTS, context, "TripleCLIPLoader",
                (files, tokenizers, manager) -> Sd3TextEncoders.open(files, tokenizers, tensors.computeType(),
                        manager));
    }

    @Override
    public Object changeKey(NodeInputs widgetValues) {
        return TextEncoderFiles.changeKey(folders, widgetValues, INPUTS);
    }
}
