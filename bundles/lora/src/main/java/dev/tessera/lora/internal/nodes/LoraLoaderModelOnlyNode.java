package dev.tessera.lora.internal.nodes;

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
import dev.tessera.tensor.TensorRuntime;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's LoraLoaderModelOnly: the LoRA's diffusion-model modules only, as a weight patch on a new MODEL handle. */
@Component(service = NodeType.class)
public final class LoraLoaderModelOnlyNode implements NodeType {

    private final Folders folders;
    private final TensorRuntime tensors;
    private final LoraCatalog bundled;
    private final NodeDescriptor descriptor;

    @Activate
    public LoraLoaderModelOnlyNode(@Reference Folders folders, @Reference TensorRuntime tensors,
            @Reference LoraCatalog bundled) {
        this.folders = folders;
        this.tensors = tensors;
        this.bundled = bundled;
        this.descriptor = NodeDescriptor.builder("LoraLoaderModelOnly")
                .displayName("LoraLoaderModelOnly")
                .category("loaders")
                .description("Applies a LoRA to the diffusion model only; its text-encoder modules are left out.")
                .input(InputSpec.link("model", ValueType.MODEL)
                        .withTooltip("The diffusion model the LoRA will be applied to."))
                .input(LoraNodes.loraCombo(folders, bundled))
                .input(LoraNodes.strength(LoraNodes.STRENGTH_MODEL,
                        "How strongly to modify the diffusion model. This value can be negative."))
                .output(new OutputSpec("MODEL", ValueType.MODEL, false, "The modified diffusion model."))
                .build();
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        return LoraNodes.strengthProblems(widgetValues, LoraNodes.STRENGTH_MODEL);
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        DiffusionModel model = inputs.get("model", DiffusionModel.class);
        double strength = LoraNodes.strength(inputs, LoraNodes.STRENGTH_MODEL);
        Path file = LoraNodes.resolve(folders, bundled, inputs.getString(LoraNodes.LORA_NAME));
        LoraNodes.inspect(file, model.latentFormat().family(), tensors.runManager(context.scope()));
        try {
            return NodeResult.of(model.withPatch(new LoraWeightPatch(file, LoraSide.MODEL, strength)));
        } catch (LoraException e) {
            throw new NodeException("invalid_input", LoraNodes.LORA_NAME, e.getMessage(), e);
        }
    }

    @Override
    public Object changeKey(NodeInputs widgetValues) {
        return LoraNodes.fingerprint(folders, bundled, widgetValues.getString(LoraNodes.LORA_NAME));
    }
}
