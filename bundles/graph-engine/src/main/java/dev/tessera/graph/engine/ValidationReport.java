package dev.tessera.graph.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every problem validation found. Errors stop the run; warnings do not (inputs a node type does not declare,
 * which are ignored, as ComfyUI ignores them).
 *
 * @param errors           problems that stop the run, ordered by node id then input order
 * @param warnings         problems that do not
 * @param dependentOutputs for each node with a problem, the output nodes that need it (ComfyUI's
 *                         {@code dependent_outputs})
 * @param outputNodes      the output nodes the run would execute
 */
public record ValidationReport(
        List<ValidationProblem> errors,
        List<ValidationProblem> warnings,
        Map<String, List<String>> dependentOutputs,
        List<String> outputNodes) {

    public ValidationReport {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        Map<String, List<String>> deps = new LinkedHashMap<>();
        dependentOutputs.forEach((k, v) -> deps.put(k, List.copyOf(v)));
        dependentOutputs = Collections.unmodifiableMap(deps);
        outputNodes = List.copyOf(outputNodes);
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    /**
     * ComfyUI's 400 body for {@code POST /prompt}: {@code {error: {type, message, details, extra_info},
     * node_errors: {id: {errors: [...], dependent_outputs, class_type}}}}, as maps and lists ready for JSON.
     * Only meaningful when {@link #ok()} is false.
     */
    public Map<String, Object> toComfyErrorBody() {
        Map<String, Object> nodeErrors = new LinkedHashMap<>();
        ValidationProblem workflowLevel = null;
        for (ValidationProblem p : errors) {
            if (p.nodeId() == null) {
                if (workflowLevel == null) workflowLevel = p;
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = (Map<String, Object>) nodeErrors.computeIfAbsent(p.nodeId(), id -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("errors", new ArrayList<Map<String, Object>>());
                m.put("dependent_outputs", dependentOutputs.getOrDefault(id, List.of()));
                m.put("class_type", p.classType());
                return m;
            });
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> list = (List<Map<String, Object>>) entry.get("errors");
            list.add(p.toComfyError());
        }
        Map<String, Object> top;
        if (workflowLevel != null) {
            top = workflowLevel.toComfyError();
        } else {
            top = new LinkedHashMap<>();
            top.put("type", "prompt_outputs_failed_validation");
            top.put("message", "Prompt outputs failed validation");
            top.put("details", "");
            top.put("extra_info", Map.of());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", top);
        body.put("node_errors", nodeErrors);
        return body;
    }
}
