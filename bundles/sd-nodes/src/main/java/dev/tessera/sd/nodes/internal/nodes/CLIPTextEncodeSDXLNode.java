package dev.tessera.sd.nodes.internal.nodes;

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
import dev.tessera.sd.nodes.internal.SdxlConditioning;
import dev.tessera.tensor.TensorRuntime;
import dev.tessera.tokenizers.PromptLimits;
import dev.tessera.tokenizers.TokenizerException;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's CLIPTextEncodeSDXL (comfy_extras/nodes_clip_sdxl.py): text_g through OpenCLIP-G and text_l through
 * CLIP-L, concatenated; the original size, crop and target size ride on the conditioning and become the UNet's
 * six time ids (SDXL's micro-conditioning).
 */
@Component(service = NodeType.class)
public final class CLIPTextEncodeSDXLNode implements NodeType {

    private static final int MAX_RESOLUTION = 16384;

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("CLIPTextEncodeSDXL")
            .displayName("CLIPTextEncodeSDXL")
            .category("advanced/conditioning")
            .input(InputSpec.link("clip", ValueType.CLIP))
            .input(InputSpec.integer("width", 1024, 0, MAX_RESOLUTION, 1))
            .input(InputSpec.integer("height", 1024, 0, MAX_RESOLUTION, 1))
            .input(InputSpec.integer("crop_w", 0, 0, MAX_RESOLUTION, 1))
            .input(InputSpec.integer("crop_h", 0, 0, MAX_RESOLUTION, 1))
            .input(InputSpec.integer("target_width", 1024, 0, MAX_RESOLUTION, 1))
            .input(InputSpec.integer("target_height", 1024, 0, MAX_RESOLUTION, 1))
            .input(InputSpec.string("text_g", "", true))
            .input(InputSpec.string("text_l", "", true))
            .output(new OutputSpec("CONDITIONING", ValueType.CONDITIONING, false, null))
            .build();

    private final TensorRuntime tensors;

    @Activate
    public CLIPTextEncodeSDXLNode(@Reference TensorRuntime tensors) {
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
        for (String input : List.of("text_g", "text_l")) {
            if (widgetValues.has(input)) {
                String problem = limits.charProblem(widgetValues.getString(input));
                if (problem != null) {
                    problems.add(InputProblem.of(input, problem));
                }
            }
        }
        return problems;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        TextEncoder clip = inputs.get("clip", TextEncoder.class);
        NDManager owner = tensors.newManager("CLIPTextEncodeSDXL " + context.nodeId());
        try {
            return NodeResult.of(SdxlConditioning.encode(clip, inputs.getString("text_g"), inputs.getString("text_l"),
                    (int) inputs.getInt("width"), (int) inputs.getInt("height"), (int) inputs.getInt("crop_w"),
                    (int) inputs.getInt("crop_h"), (int) inputs.getInt("target_width"),
                    (int) inputs.getInt("target_height"), owner));
        } catch (TokenizerException e) {
            owner.close();
            throw InputFailures.invalid(e, List.of(), "text_g");
        } catch (IllegalArgumentException e) {
            owner.close();
            throw InputFailures.invalid(e, List.of(), e.getMessage().startsWith("CLIPTextEncodeSDXL needs") ? "clip"
                    : "text_g");
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
