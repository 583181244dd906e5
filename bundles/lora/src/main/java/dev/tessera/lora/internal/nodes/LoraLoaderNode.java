package dev.tessera.lora.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.ValueType;
import dev.tessera.lora.LoraException;
import dev.tessera.lora.internal.LoraCatalog;
import dev.tessera.lora.patch.LoraSide;
import dev.tessera.lora.patch.LoraWeightPatch;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.tensor.TensorRuntime;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's LoraLoader ("Load LoRA"): new MODEL and CLIP handles with the LoRA's diffusion-model modules and its
 * text-encoder modules as weight patches over the same, untouched base. Nothing is merged here: the handles merge
 * the touched parameters when a sampler or encoder first uses them.
 */
@Component(service = NodeType.class)
public final class LoraLoaderNode implements NodeType {

    private final Folders folders;
    private final TensorRuntime tensors;
    private final LoraCatalog bundled;
    private final NodeDescriptor descriptor;

    @Activate
    public LoraLoaderNode(@Reference Folders folders, @Reference TensorRuntime tensors,
            @Reference LoraCatalog bundled) {
        this.folders = folders;
        this.tensors = tensors;
        this.bundled = bundled;
        this.descriptor = NodeDescriptor.builder("LoraLoader")
                .displayName("Load LoRA")
                .category("loaders")
                .description("LoRAs are used to modify diffusion and CLIP models, altering the way in which latents"
                        + " are denoised such as applying styles. Multiple LoRA nodes can be linked together.")
                .input(InputSpec.link("model", ValueType.MODEL)
                        .withTooltip("The diffusion model the LoRA will be applied to."))
                .input(InputSpec.link("clip", ValueType.CLIP)
                        .withTooltip("The CLIP model the LoRA will be applied to."))
                .input(LoraNodes.loraCombo(folders, bundled))
                .input(LoraNodes.strength(LoraNodes.STRENGTH_MODEL,
                        "How strongly to modify the diffusion model. This value can be negative."))
                .input(LoraNodes.strength(LoraNodes.STRENGTH_CLIP,
                        "How strongly to modify the CLIP model. This value can be negative."))
                .output(new OutputSpec("MODEL", ValueType.MODEL, false, "The modified diffusion model."))
                .output(new OutputSpec("CLIP", ValueType.CLIP, false, "The modified CLIP model."))
                .build();
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        return LoraNodes.strengthProblems(widgetValues, LoraNodes.STRENGTH_MODEL, LoraNodes.STRENGTH_CLIP);
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        DiffusionModel model = inputs.get("model", DiffusionModel.class);
        TextEncoder clip = inputs.get("clip", TextEncoder.class);
        double strengthModel = LoraNodes.strength(inputs, LoraNodes.STRENGTH_MODEL);
        double strengthClip = LoraNodes.strength(inputs, LoraNodes.STRENGTH_CLIP);
        Path file = LoraNodes.resolve(folders, bundled, inputs.getString(LoraNodes.LORA_NAME));
        NDManager manager = tensors.runManager(context.scope());
        LoraNodes.inspect(file, model.latentFormat().family(), manager);
        LoraWeightPatch modelPatch;
        LoraWeightPatch clipPatch;
        try {
            modelPatch = new LoraWeightPatch(file, LoraSide.MODEL, strengthModel);
            clipPatch = new LoraWeightPatch(file, LoraSide.TEXT_ENCODER, strengthClip);
        } catch (LoraException e) {
            throw new NodeException("invalid_input", LoraNodes.LORA_NAME, e.getMessage(), e);
        }
        DiffusionModel patchedModel = model.withPatch(modelPatch);
        try {
            return NodeResult.of(patchedModel, clip.withPatch(clipPatch));
        } catch (IllegalArgumentException e) {
            patchedModel.close(); // ours until returned
            throw new NodeException("invalid_input", "clip", e.getMessage(), e);
        } catch (RuntimeException e) {
            patchedModel.close();
            throw e;
        }
    }

    @Override
    public Object changeKey(NodeInputs widgetValues) {
        return LoraNodes.fingerprint(folders, bundled, widgetValues.getString(LoraNodes.LORA_NAME));
    }
}
