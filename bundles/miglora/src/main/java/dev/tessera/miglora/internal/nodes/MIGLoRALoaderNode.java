package dev.tessera.miglora.internal.nodes;

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
import dev.tessera.lora.LoraFile;
import dev.tessera.lora.patch.LoraSide;
import dev.tessera.lora.patch.LoraWeightPatch;
import dev.tessera.miglora.MaskEncoder;
import dev.tessera.miglora.MaskEncoderPatch;
import dev.tessera.miglora.MigLoraException;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.tensor.TensorRuntime;
import dev.tessera.tensor.safetensors.SafetensorsException;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * MIGLoRALoader: the MIGLoRA LoRA (an ordinary LoRA weight patch on the diffusion model) and the mask encoder (the
 * MIG handle MIGApply needs) on a new MODEL handle over the same base. Both files are read and validated here, so
 * a wrong file fails at this node.
 */
@Component(service = NodeType.class)
public final class MIGLoRALoaderNode implements NodeType {

    static final String MODEL = "model";
    static final String MASK_ENCODER = "mask_encoder_name";
    static final String LORA = "lora_name";
    static final String STRENGTH = "strength_model";

    private final Folders folders;
    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor;

    @Activate
    public MIGLoRALoaderNode(@Reference Folders folders, @Reference TensorRuntime tensors) {
        this.folders = folders;
        this.tensors = tensors;
        this.descriptor = NodeDescriptor.builder("MIGLoRALoader")
                .displayName("Load MIGLoRA")
                .category(MigNodes.CATEGORY)
                .description("Applies the MIGLoRA LoRA to an SD1.5 or SDXL model and attaches its box-mask encoder, for"
                        + " MIGApply. The encoder variant (released: added after conv_in; paper: concatenated with"
                        + " the latents) is read from the file's weights.")
                .input(InputSpec.link(MODEL, ValueType.MODEL).withTooltip("The SD1.5 or SDXL diffusion model."))
                .input(InputSpec.combo(MASK_ENCODER, () -> folders.listModelFiles(MigNodes.MIGLORA,
                        List.of(".safetensors")), null).withTooltip(
                        "The mask encoder (models/miglora), e.g. the released model_1.safetensors."))
                .input(InputSpec.combo(LORA, () -> folders.listModelFiles(MigNodes.LORAS, List.of(".safetensors")),
                        null).withTooltip("The MIGLoRA LoRA (models/loras), e.g. pytorch_lora_weights.safetensors."))
                .input(InputSpec.decimal(STRENGTH, 1.0, -100.0, 100.0, 0.01, 0.01).withTooltip(
                        "How strongly the LoRA modifies the diffusion model."))
                .output(new OutputSpec("MODEL", ValueType.MODEL, false,
                        "The model with the MIGLoRA LoRA and the mask encoder."))
                .build();
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        List<InputProblem> problems = new ArrayList<>();
        if (widgetValues.has(STRENGTH) && !Double.isFinite(widgetValues.getFloat(STRENGTH))) {
            problems.add(InputProblem.of(STRENGTH, STRENGTH + " must be a finite number, got "
                    + widgetValues.getFloat(STRENGTH)));
        }
        return problems;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        DiffusionModel model = inputs.get(MODEL, DiffusionModel.class);
        // The divide/conquer/combine hook runs on any SD UNet: SD1.x and SDXL (whose added conditioning rides in
        // the time embedding each instance row repeats).
        String family = model.latentFormat().family();
        if (!"sd1".equals(family) && !"sdxl".equals(family)) {
            throw NodeException.invalidInput(MODEL, "MIGLoRA runs on SD1.x and SDXL UNets; this MODEL is " + family);
        }
        double strength = inputs.getFloat(STRENGTH);
        if (!Double.isFinite(strength)) {
            throw NodeException.invalidInput(STRENGTH, STRENGTH + " must be a finite number, got " + strength);
        }
        Path encoderFile = resolve(MigNodes.MIGLORA, MASK_ENCODER, inputs.getString(MASK_ENCODER));
        Path loraFile = resolve(MigNodes.LORAS, LORA, inputs.getString(LORA));
        NDManager manager = tensors.runManager(context.scope());
        MaskEncoder encoder;
        try {
            encoder = MaskEncoder.read(encoderFile, manager);
        } catch (MigLoraException e) {
            throw new NodeException("invalid_input", MASK_ENCODER, e.getMessage(), e);
        }
        LoraWeightPatch lora;
        OptionalInt loraMaxInstances;
        try (NDManager scratch = manager.newSubManager(); LoraFile check = LoraFile.open(loraFile, scratch)) {
            if (check.modules().isEmpty()) {
                throw NodeException.invalidInput(LORA, loraFile + ": no LoRA modules");
            }
            lora = new LoraWeightPatch(loraFile, LoraSide.MODEL, strength);
        } catch (LoraException e) {
            throw new NodeException("invalid_input", LORA, e.getMessage(), e);
        }
        try (SafetensorsFile st = SafetensorsFile.open(loraFile)) {
            loraMaxInstances = MaskEncoder.maxInstances(loraFile, st.metadata());
        } catch (MigLoraException | SafetensorsException e) {
            throw new NodeException("invalid_input", LORA, e.getMessage(), e);
        }
        DiffusionModel withLora = model.withPatch(lora);
        try {
            return NodeResult.of(withLora.withPatch(new MaskEncoderPatch(encoder, loraMaxInstances)));
        } finally {
            withLora.close(); // the returned handle holds its own share of the base
        }
    }

    private Path resolve(String kind, String input, String name) {
        try {
            return folders.resolveModelFile(kind, name);
        } catch (NodeException e) {
            throw NodeException.invalidInput(input, e.getMessage());
        }
    }

    @Override
    public Object changeKey(NodeInputs widgetValues) {
        return MigNodes.fingerprint(folders, MigNodes.MIGLORA, widgetValues.getString(MASK_ENCODER)) + "#"
                + MigNodes.fingerprint(folders, MigNodes.LORAS, widgetValues.getString(LORA));
    }
}
