package dev.tessera.miglora.internal.nodes;

import ai.djl.ndarray.NDArray;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.ValueType;
import dev.tessera.layout.Layout;
import dev.tessera.miglora.Fusion;
import dev.tessera.miglora.InstanceEmbeddings;
import dev.tessera.miglora.MaskEncoderPatch;
import dev.tessera.miglora.MigHook;
import dev.tessera.miglora.MigLoraException;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.ModelPatch;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * MIGApply: divide / conquer / combine on a MODEL from MIGLoRALoader, with the instances of a MIGEncode
 * conditioning, a fusion mode and the beta(t) share of the noise range. The result works with the standard KSampler.
 */
@Component(service = NodeType.class)
public final class MIGApplyNode implements NodeType {

    /** The host's log, which the CLI prints and the server logs: graph-api has no per-node warning channel. */
    private static final System.Logger LOG = System.getLogger(MIGApplyNode.class.getName());

    static final String MODEL = "model";
    static final String CONDITIONING = "conditioning";
    static final String FUSION = "fusion";
    static final String BETA = "beta";

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("MIGApply")
            .displayName("Apply MIGLoRA Layout")
            .category(MigNodes.CATEGORY)
            .description("Runs the UNet encoder once per instance (all in one batch) with each instance's phrase and"
                    + " box, fuses the features and decodes once, over the noisiest beta of the model's noise range.")
            .input(InputSpec.link(MODEL, ValueType.MODEL).withTooltip("The model from MIGLoRALoader."))
            .input(InputSpec.link(CONDITIONING, ValueType.CONDITIONING).withTooltip("The output of MIGEncode."))
            // avg by default: the released weights were trained with the mean over instances (sum hands the
            // decoder features about N+1 times larger than it saw in training).
            .input(InputSpec.combo(FUSION, Fusion::names, Fusion.AVG.id()).withTooltip(
                    "The fusion the weights were trained with. avg: mean of all instances (the released weights);"
                            + " mask: each instance inside its box, the global caption outside (the paper's best,"
                            + " for weights trained with it); sum: their sum (about N+1 times larger than avg)."))
            .input(InputSpec.decimal(BETA, 0.7, 0.0, 1.0, 0.01, 0.01).withTooltip(
                    "Share of the model's noise range, from the noisiest end, guided by the layout (0.7: timesteps"
                            + " 300-999 of SD1.5's 0-999, whatever denoise or start step); the plain model runs"
                            + " below it."))
            .output(new OutputSpec("MODEL", ValueType.MODEL, false, "The model with the layout applied."))
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        List<InputProblem> problems = new ArrayList<>();
        if (widgetValues.has(BETA)) {
            double beta = widgetValues.getFloat(BETA);
            if (!(beta >= 0 && beta <= 1)) {
                problems.add(InputProblem.of(BETA, "is " + beta + "; expected a share of the noise range in [0, 1]"));
            }
        }
        return problems;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        DiffusionModel model = inputs.get(MODEL, DiffusionModel.class);
        Conditioning conditioning = inputs.get(CONDITIONING, Conditioning.class);
        MaskEncoderPatch handle = null;
        for (ModelPatch patch : model.patches()) {
            if (patch instanceof MaskEncoderPatch p) {
                handle = p;
            }
            if (patch instanceof MigHook) {
                throw NodeException.invalidInput(MODEL, "this MODEL already has a MIGApply layout; apply one layout"
                        + " per model");
            }
        }
        if (handle == null) {
            throw NodeException.invalidInput(MODEL, "this MODEL carries no MIGLoRA mask encoder; connect it through"
                    + " MIGLoRALoader");
        }
        Conditioning.Entry entry = conditioning.entries().stream()
                .filter(e -> e.extras().get(MigNodes.INSTANCES) instanceof NDArray)
                .findFirst()
                .orElseThrow(() -> NodeException.invalidInput(CONDITIONING, "this conditioning has no instance"
                        + " embeddings; connect the output of MIGEncode"));
        if (!(entry.extras().get(MigNodes.LAYOUT) instanceof Layout layout)) {
            throw NodeException.invalidInput(CONDITIONING, "the MIGEncode conditioning has lost its layout");
        }
        Fusion fusion;
        try {
            fusion = Fusion.of(inputs.getString(FUSION));
        } catch (MigLoraException e) {
            throw NodeException.invalidInput(FUSION, e.getMessage());
        }
        double beta = inputs.getFloat(BETA);
        MigHook hook;
        try {
            hook = new MigHook(handle.encoder(), layout,
                    InstanceEmbeddings.of((NDArray) entry.extras().get(MigNodes.INSTANCES)), fusion, beta);
        } catch (MigLoraException e) {
            throw NodeException.invalidInput(beta >= 0 && beta <= 1 ? CONDITIONING : BETA, e.getMessage());
        }
        int trained = handle.trainedInstances();
        if (layout.size() > trained) {
            // More instances than training saw still run (the method has no cap); placement may be less reliable.
            LOG.log(System.Logger.Level.WARNING, "node " + context.nodeId() + " (MIGApply): the layout has "
                    + layout.size() + " instances; this MIGLoRA adapter was trained on at most " + trained
                    + " per image (" + handle.trainedInstancesSource() + "); running with all " + layout.size()
                    + ", the ones beyond " + trained + " may be placed less reliably");
        }
        return NodeResult.of(model.withPatch(hook));
    }
}
