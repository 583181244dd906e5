package dev.tessera.flux.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.flux.nodes.internal.Sd3TextEncoder;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.tensor.TensorRuntime;
import dev.tessera.tokenizers.PromptLimits;
import dev.tessera.tokenizers.TokenizerException;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's CLIPTextEncodeSD3 (comfy_extras/nodes_sd3.py): a prompt per encoder; {@code empty_padding = none} lets
 * an empty prompt give its encoder no tokens (an empty T5 prompt adds no T5 tokens), {@code empty_prompt} encodes
 * it as the empty prompt.
 */
@Component(service = NodeType.class)
public final class CLIPTextEncodeSD3Node implements NodeType {

    static final List<String> PADDING = List.of("none", "empty_prompt");
    private static final List<String> PROMPTS = List.of("clip_l", "clip_g", "t5xxl");

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("CLIPTextEncodeSD3")
            .displayName("CLIPTextEncodeSD3")
            .category("advanced/conditioning")
            .input(InputSpec.link("clip", ValueType.CLIP))
            .input(InputSpec.string("clip_l", "", true))
            .input(InputSpec.string("clip_g", "", true))
            .input(InputSpec.string("t5xxl", "", true))
            .input(InputSpec.combo("empty_padding", PADDING))
            .output("CONDITIONING", ValueType.CONDITIONING)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public CLIPTextEncodeSD3Node(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        List<InputProblem> problems = new ArrayList<>();
        PromptLimits limits = PromptLimits.fromSystemProperties();
        for (String input : PROMPTS) {
            String problem = widgetValues.has(input) ? limits.charProblem(widgetValues.getString(input)) : null;
            if (problem != null) {
                problems.add(InputProblem.of(input, problem));
            }
        }
        return problems;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        TextEncoder clip = inputs.get("clip", TextEncoder.class);
        if (!(clip instanceof Sd3TextEncoder sd3)) {
            throw NodeException.invalidInput("clip", "CLIPTextEncodeSD3 needs SD3's text encoders (TripleCLIPLoader,"
                    + " CLIPLoader or DualCLIPLoader with type sd3, or an SD3 checkpoint with text encoders), got "
                    + clip.family() + " (" + clip + ")");
        }
        String padding = inputs.getString("empty_padding");
        if (!PADDING.contains(padding)) {
            throw NodeException.invalidInput("empty_padding", "'" + padding + "' is not one of " + PADDING);
        }
        // Text from a link was not checked at validation: the limits again, by input, before any tokenizing.
        PromptLimits limits = PromptLimits.fromSystemProperties();
        for (String input : PROMPTS) {
            String problem = limits.charProblem(inputs.getString(input));
            if (problem != null) {
                throw NodeException.invalidInput(input, problem);
            }
        }
        NDManager owner = tensors.newManager("CLIPTextEncodeSD3 " + context.nodeId());
        try {
            return NodeResult.of(sd3.encode(inputs.getString("clip_l"), inputs.getString("clip_g"),
                    inputs.getString("t5xxl"), padding.equals("empty_prompt"), owner));
        } catch (IllegalArgumentException | TokenizerException e) {
            owner.close();
            throw NodeException.invalidInput("clip_l", e.getMessage());
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
