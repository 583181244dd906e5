package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.CustomSampling;
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
import dev.tessera.model.api.DiffusionModel;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * ComfyUI's DualCFGGuider ("Dual CFG Guider"): two prompts and a negative, {@code cond1} guided against {@code cond2}
 * by {@code cfg_conds} and {@code cond2} against {@code negative} by {@code cfg_cond2_negative}; {@code style}
 * regular adds the two guidances, nested applies the second to the first's result.
 */
@Component(service = NodeType.class)
public final class DualCFGGuiderNode implements NodeType {

    private static final List<String> CFGS = List.of("cfg_conds", "cfg_cond2_negative");

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("DualCFGGuider")
            .displayName("Dual CFG Guider")
            .category("sampling/guiders")
            .input(InputSpec.link("model", ValueType.MODEL))
            .input(InputSpec.link("cond1", ValueType.CONDITIONING))
            .input(InputSpec.link("cond2", ValueType.CONDITIONING))
            .input(InputSpec.link("negative", ValueType.CONDITIONING))
            .input(InputSpec.decimal("cfg_conds", 8.0, 0.0, 100.0, 0.1, 0.01))
            .input(InputSpec.decimal("cfg_cond2_negative", 8.0, 0.0, 100.0, 0.1, 0.01))
            .input(InputSpec.combo("style", List.of("regular", "nested")))
            .output("GUIDER", SamplerNodes.GUIDER)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        List<InputProblem> problems = new ArrayList<>();
        for (String name : CFGS) {
            if (widgetValues.has(name) && !Double.isFinite(widgetValues.getFloat(name))) {
                problems.add(InputProblem.of(name, name + " is " + widgetValues.getFloat(name)
                        + "; expected a finite number"));
            }
        }
        return problems;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        double cfgConds = finite(inputs, "cfg_conds");
        double cfgCond2Negative = finite(inputs, "cfg_cond2_negative");
        String style = inputs.getString("style");
        if (!style.equals("regular") && !style.equals("nested")) {
            throw NodeException.invalidInput("style", "style '" + style + "' is not one of regular, nested");
        }
        return NodeResult.of(CustomSampling.Guider.dual(inputs.get("model", DiffusionModel.class),
                inputs.get("cond1", Conditioning.class), inputs.get("cond2", Conditioning.class),
                inputs.get("negative", Conditioning.class), cfgConds, cfgCond2Negative, style.equals("nested")));
    }

    private static double finite(NodeInputs inputs, String name) {
        double value = inputs.getFloat(name);
        if (!Double.isFinite(value)) {
            throw NodeException.invalidInput(name, name + " is " + value + "; expected a finite number");
        }
        return value;
    }
}
