package dev.tessera.diffusion.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputFailures;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.tensor.TensorRuntime;
import dev.tessera.tokenizers.PromptLimits;
import dev.tessera.tokenizers.TokenizerException;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's CLIPTextEncode: a prompt with ComfyUI's weighting syntax to CONDITIONING, 77-token windows encoded in
 * one batch and concatenated, weights applied as {@code z = (z - z_empty) * w + z_empty}.
 */
@Component(service = NodeType.class)
public final class CLIPTextEncodeNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("CLIPTextEncode")
            .displayName("CLIP Text Encode (Prompt)")
            .category("conditioning")
            .description("Encodes a text prompt using a CLIP model into an embedding that can be used to guide the"
                    + " diffusion model towards generating specific images.")
            .input(InputSpec.string("text", "", true).withTooltip("The text to be encoded."))
            .input(InputSpec.link("clip", ValueType.CLIP).withTooltip("The CLIP model used for encoding the text."))
            .output(new OutputSpec("CONDITIONING", ValueType.CONDITIONING, false,
                    "A conditioning containing the embedded text used to guide the diffusion model."))
            .build();

    private final TensorRuntime tensors;

    @Activate
    public CLIPTextEncodeNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /**
     * A prompt over the character limit is refused before anything runs (the server answers 400 at validation);
     * the token limit is checked while tokenizing, when the CLIP is at hand.
     */
    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        if (!widgetValues.has("text")) return List.of();
        String problem = PromptLimits.fromSystemProperties().charProblem(widgetValues.getString("text"));
        return problem == null ? List.of() : List.of(InputProblem.of("text", problem));
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        TextEncoder clip = inputs.get("clip", TextEncoder.class);
        String text = inputs.getString("text");
        NDManager owner = tensors.newManager("CLIPTextEncode " + context.nodeId());
        try {
            return NodeResult.of(clip.encode(text, owner));
        } catch (IllegalArgumentException | TokenizerException e) {
            owner.close();
            throw InputFailures.invalid(e, List.of(), "text");
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
