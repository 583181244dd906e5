package dev.tessera.flux.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.flux.nodes.internal.FluxDiffusionModel;
import dev.tessera.flux.nodes.internal.FluxTextEncoder;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.Conditioning;
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
 * ComfyUI's CLIPTextEncodeFlux: one prompt for CLIP-L (the pooled vector), one for T5 (the hidden states), and the
 * embedded guidance set on the conditioning as FluxGuidance sets it.
 */
@Component(service = NodeType.class)
public final class CLIPTextEncodeFluxNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("CLIPTextEncodeFlux")
            .displayName("CLIPTextEncodeFlux")
            .category("advanced/conditioning/flux")
            .input(InputSpec.link("clip", ValueType.CLIP))
            .input(InputSpec.string("clip_l", "", true))
            .input(InputSpec.string("t5xxl", "", true))
            .input(InputSpec.decimal("guidance", 3.5, 0.0, 100.0, 0.1, 0.01))
            .output("CONDITIONING", ValueType.CONDITIONING)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public CLIPTextEncodeFluxNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /**
     * A prompt over the character limit is refused before anything runs (the server answers 400 at validation),
     * naming the input it came in.
     */
    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        List<InputProblem> problems = new ArrayList<>();
        PromptLimits limits = PromptLimits.fromSystemProperties();
        for (String input : List.of("clip_l", "t5xxl")) {
            String problem = widgetValues.has(input) ? limits.charProblem(widgetValues.getString(input)) : null;
            if (problem != null) problems.add(InputProblem.of(input, problem));
        }
        return problems;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        TextEncoder clip = inputs.get("clip", TextEncoder.class);
        if (!(clip instanceof FluxTextEncoder flux)) {
            throw NodeException.invalidInput("clip", "CLIPTextEncodeFlux needs FLUX's text encoders (DualCLIPLoader"
                    + " with type flux), got " + clip.family() + " (" + clip + ")");
        }
        double guidance = inputs.getFloat("guidance");
        // Text from a link was not checked at validation: the limits again, by input, before any tokenizing.
        String clipL = inputs.getString("clip_l");
        String t5xxl = inputs.getString("t5xxl");
        PromptLimits limits = PromptLimits.fromSystemProperties();
        for (String input : List.of("clip_l", "t5xxl")) {
            String problem = limits.charProblem(input.equals("clip_l") ? clipL : t5xxl);
            if (problem != null) throw NodeException.invalidInput(input, problem);
        }
        NDManager owner = tensors.newManager("CLIPTextEncodeFlux " + context.nodeId());
        try {
            Conditioning encoded = flux.encode(clipL, t5xxl, owner);
            Conditioning.Entry entry = encoded.entries().get(0).withExtra(FluxDiffusionModel.GUIDANCE, guidance);
            return NodeResult.of(Conditioning.owning(owner, List.of(entry)));
        } catch (IllegalArgumentException | TokenizerException e) {
            owner.close();
            throw NodeException.invalidInput("clip_l", e.getMessage());
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
