package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.engine.InputValue;
import dev.tessera.graph.engine.ValidationProblem;
import dev.tessera.graph.engine.ValidationReport;
import dev.tessera.graph.engine.Workflow;
import dev.tessera.graph.engine.WorkflowNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a workflow against a snapshot of the registered node types and reports every problem at once.
 *
 * <p>Every node is checked, including nodes no output needs (ComfyUI checks only those): a workflow is shared as a
 * whole, and a broken node left aside usually means a link was forgotten. Unlike ComfyUI, which stops at the first
 * unknown node type, the other nodes are still checked so that one pass shows everything. Inputs a type does not
 * declare are ignored with a warning, as ComfyUI ignores them.
 */
final class WorkflowValidator {

    /** Cycles of more nodes are described by their size, not by their path. */
    private static final int SHOWN_CYCLE = 50;

    private final Workflow workflow;
    private final Map<String, RegisteredType> types;
    private final Set<String> requestedOutputs;

    private final Map<String, List<ValidationProblem>> byNode = new TreeMap<>(NodeIds.ORDER);
    private final List<ValidationProblem> workflowLevel = new ArrayList<>();
    private final Set<String> unknownTypes = new TreeSet<>(NodeIds.ORDER);
    /** Nodes whose widget values failed the host's checks: their own validate() is not asked. */
    private final Set<String> badWidgets = new LinkedHashSet<>();
    private final Map<String, PreparedNode> prepared = new LinkedHashMap<>();

    /**
     * @param requestedOutputs the output nodes to run; empty means every output node
     */
    WorkflowValidator(Workflow workflow, Map<String, RegisteredType> types, Set<String> requestedOutputs) {
        this.workflow = workflow;
        this.types = types;
        this.requestedOutputs = requestedOutputs;
    }

    Validation validate() {
        for (String id : sortedIds()) checkNode(workflow.nodes().get(id));
        checkCycles();
        List<String> outputs = outputs();
        for (PreparedNode node : prepared.values()) {
            if (!badWidgets.contains(node.id())) checkWithNodeType(node);
        }
        // Only reported nodes need them; a walk per output is too much to do for nothing on a large workflow.
        Map<String, List<String>> dependents = byNode.isEmpty() ? Map.of() : dependentOutputs(outputs);
        return new Validation(report(outputs, dependents), prepared, outputs);
    }

    private List<String> sortedIds() {
        List<String> ids = new ArrayList<>(workflow.nodes().keySet());
        ids.sort(NodeIds.ORDER);
        return ids;
    }

    // ---- per node

    private void checkNode(WorkflowNode node) {
        RegisteredType type = types.get(node.classType());
        if (type == null) {
            unknownTypes.add(node.id());
            add(problem(node, null, "unknown_node_type", "node " + node.id() + " has type '" + node.classType()
                    + "', which no installed bundle provides", node.classType(), Map.of("class_type", node.classType())));
            return;
        }
        Map<String, Object> widgetValues = new LinkedHashMap<>();
        Map<String, InputValue.Link> links = new LinkedHashMap<>();
        LiteralChecker literals = new LiteralChecker(node.id(), node.classType());
        for (InputSpec spec : type.descriptor().inputs()) {
            InputValue value = node.inputs().get(spec.name());
            if (value == null) {
                missing(node, spec, widgetValues);
            } else if (value instanceof InputValue.Link link) {
                if (checkLink(node, spec, link)) links.put(spec.name(), link);
            } else {
                LiteralChecker.Outcome outcome = literals.check(spec, ((InputValue.Literal) value).value());
                if (outcome.ok()) {
                    widgetValues.put(spec.name(), outcome.value());
                } else {
                    add(outcome.problem());
                    badWidgets.add(node.id());
                }
            }
        }
        for (String name : node.inputs().keySet()) {
            if (type.descriptor().input(name).isEmpty()) {
                add(problem(node, name, "unknown_input", "node " + node.id() + " (" + node.classType() + ") has no input '"
                        + name + "'; it is ignored (inputs: " + inputNames(type.descriptor()) + ")", name, Map.of("input_name", name)));
            }
        }
        prepared.put(node.id(), new PreparedNode(node, type, widgetValues, links));
    }

    private void missing(WorkflowNode node, InputSpec spec, Map<String, Object> widgetValues) {
        if (!spec.optional()) {
            requiredMissing(node, spec);
            badWidgets.add(node.id());
        } else if (spec.hasWidget()) {
            Object fallback = defaultOf(node, spec);
            if (fallback != null) widgetValues.put(spec.name(), fallback);
        }
    }

    private Object defaultOf(WorkflowNode node, InputSpec spec) {
        try {
            return spec.widget().defaultLiteral();
        } catch (RuntimeException e) {
            add(problem(node, spec.name(), "exception_during_validation", "node " + node.id() + " (" + node.classType()
                    + ") input '" + spec.name() + "': could not compute its default: " + e, spec.name(), Map.of("input_name", spec.name())));
            badWidgets.add(node.id());
            return null;
        }
    }

    private void requiredMissing(WorkflowNode node, InputSpec spec) {
        String expected = spec.hasWidget() ? "a value or a link of type " + spec.type() : "a link to an output of type " + spec.type();
        add(problem(node, spec.name(), "required_input_missing", "node " + node.id() + " (" + node.classType()
                + ") is missing its required input '" + spec.name() + "' (expected " + expected + ")", spec.name(),
                Map.of("input_name", spec.name())));
    }

    /** Whether the link is usable: its node exists with a known type, the index is in range and the type fits. */
    private boolean checkLink(WorkflowNode node, InputSpec spec, InputValue.Link link) {
        String where = "node " + node.id() + " (" + node.classType() + ") input '" + spec.name() + "'";
        Map<String, Object> info = Map.of("input_name", spec.name(), "linked_node", List.of(link.nodeId(), link.outputIndex()));
        WorkflowNode source = workflow.nodes().get(link.nodeId());
        if (source == null) {
            add(problem(node, spec.name(), "dangling_link", where + " is linked to node " + link.nodeId()
                    + ", which is not in the workflow", spec.name(), info));
            return false;
        }
        RegisteredType sourceType = types.get(source.classType());
        if (sourceType == null) return false; // reported on the source node
        List<OutputSpec> outputs = sourceType.descriptor().outputs();
        if (link.outputIndex() >= outputs.size()) {
            add(problem(node, spec.name(), "bad_output_index", where + " is linked to output " + link.outputIndex()
                    + " of node " + link.nodeId() + " (" + source.classType() + "), which has " + describeOutputs(outputs),
                    spec.name(), info));
            return false;
        }
        OutputSpec produced = outputs.get(link.outputIndex());
        if (!spec.type().accepts(produced.type())) {
            Map<String, Object> mismatch = new LinkedHashMap<>(info);
            mismatch.put("received_type", produced.type().name());
            mismatch.put("expected_type", spec.type().name());
            add(problem(node, spec.name(), "return_type_mismatch", where + " expects " + spec.type()
                    + " but is linked to output " + link.outputIndex() + " '" + produced.name() + "' of node "
                    + link.nodeId() + " (" + source.classType() + "), which is " + produced.type(),
                    spec.name() + ", " + produced.type() + " != " + spec.type(), mismatch));
            return false;
        }
        return true;
    }

    private void checkWithNodeType(PreparedNode node) {
        List<InputProblem> found;
        try {
            found = node.type().type().validate(node.widgetInputs());
        } catch (NodeException e) {
            String input = e.inputName();
            add(problem(node.node(), input, e.type(), "node " + node.id() + " (" + node.classType() + ")"
                    + (input == null ? "" : " input '" + input + "'") + ": " + e.getMessage(), input,
                    input == null ? Map.of() : Map.of("input_name", input)));
            return;
        } catch (RuntimeException | LinkageError e) {
            add(problem(node.node(), null, "exception_during_validation", "node " + node.id() + " (" + node.classType()
                    + ") failed to check its inputs: " + e, "", Map.of("exception_type", e.getClass().getName())));
            return;
        }
        if (found == null) return;
        for (InputProblem p : found) {
            String where = "node " + node.id() + " (" + node.classType() + ")" + (p.input() == null ? "" : " input '" + p.input() + "'");
            Map<String, Object> info = p.input() == null ? Map.of() : Map.of("input_name", p.input());
            add(problem(node.node(), p.input(), p.type(), where + ": " + p.message(), p.input(), info));
        }
    }

    // ---- whole graph

    /** Links between existing nodes, as the graph runs them: declared inputs of known types, all links otherwise. */
    private Map<String, InputValue.Link> edgesInto(WorkflowNode node) {
        PreparedNode p = prepared.get(node.id());
        Map<String, InputValue.Link> edges = new LinkedHashMap<>();
        node.inputs().forEach((name, value) -> {
            if (value instanceof InputValue.Link link && workflow.nodes().containsKey(link.nodeId())
                    && (p == null || p.declares(name))) {
                edges.put(name, link);
            }
        });
        return edges;
    }

    private void checkCycles() {
        for (Set<String> component : new Cycles(workflow, this::edgesInto).find()) {
            List<String> cycleIds = component.stream().limit(SHOWN_CYCLE).toList();
            for (String id : component) {
                WorkflowNode node = workflow.nodes().get(id);
                edgesInto(node).forEach((input, link) -> {
                    if (!component.contains(link.nodeId())) return;
                    // Finding the path is a walk of the graph per link: shown for cycles a person can read.
                    String path = component.size() <= SHOWN_CYCLE
                            ? String.join(" -> ", Cycles.path(workflow, this::edgesInto, id, link.nodeId()))
                            : "one of " + component.size() + " nodes that depend on each other, from "
                                    + String.join(", ", component.stream().limit(5).toList()) + ", ...";
                    add(problem(node, input, "cycle", "node " + id + " (" + node.classType() + ") input '" + input
                            + "' closes a cycle: " + path + "; a workflow must not depend on itself", input,
                            Map.of("input_name", input, "cycle", cycleIds)));
                });
            }
        }
    }

    private List<String> outputs() {
        List<String> outputs = new ArrayList<>();
        if (requestedOutputs.isEmpty()) {
            for (PreparedNode p : prepared.values()) {
                if (p.type().descriptor().outputNode()) outputs.add(p.id());
            }
            if (outputs.isEmpty() && unknownTypes.isEmpty()) {
                // With unknown types the missing output may be among them; that error says enough.
                workflowLevel.add(new ValidationProblem(null, null, null, "prompt_no_outputs",
                        "the workflow has no output node (such as SaveImage or PreviewImage), so nothing would run",
                        "", Map.of()));
            }
        } else {
            for (String id : requestedOutputs) {
                PreparedNode p = prepared.get(id);
                if (p != null && p.type().descriptor().outputNode()) {
                    outputs.add(id);
                } else if (!unknownTypes.contains(id)) {
                    workflowLevel.add(new ValidationProblem(id, null, p == null ? null : p.classType(), "invalid_prompt",
                            "output " + id + " was asked for, but " + (p == null ? "there is no such node" : "node " + id
                            + " (" + p.classType() + ") is not an output node"), id, Map.of()));
                }
            }
        }
        outputs.sort(NodeIds.ORDER);
        return outputs;
    }

    /** For every node, the output nodes that depend on it (itself included). */
    private Map<String, List<String>> dependentOutputs(List<String> outputs) {
        Map<String, Set<String>> dependents = new TreeMap<>(NodeIds.ORDER);
        for (String output : outputs) {
            Deque<String> todo = new ArrayDeque<>(List.of(output));
            Set<String> seen = new LinkedHashSet<>();
            while (!todo.isEmpty()) {
                String id = todo.pop();
                if (!seen.add(id)) continue;
                dependents.computeIfAbsent(id, k -> new TreeSet<>(NodeIds.ORDER)).add(output);
                edgesInto(workflow.nodes().get(id)).values().forEach(link -> todo.push(link.nodeId()));
            }
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        dependents.forEach((k, v) -> result.put(k, List.copyOf(v)));
        return result;
    }

    private ValidationReport report(List<String> outputs, Map<String, List<String>> dependents) {
        List<ValidationProblem> errors = new ArrayList<>(workflowLevel);
        List<ValidationProblem> warnings = new ArrayList<>();
        Map<String, List<String>> reported = new LinkedHashMap<>();
        byNode.forEach((id, problems) -> {
            for (ValidationProblem p : problems) {
                (p.type().equals("unknown_input") ? warnings : errors).add(p);
            }
            reported.put(id, dependents.getOrDefault(id, List.of()));
        });
        return new ValidationReport(errors, warnings, reported, outputs);
    }

    // ---- helpers

    private void add(ValidationProblem p) {
        byNode.computeIfAbsent(p.nodeId(), k -> new ArrayList<>()).add(p);
    }

    private static ValidationProblem problem(WorkflowNode node, String input, String type, String message, String details,
            Map<String, Object> extra) {
        return new ValidationProblem(node.id(), input, node.classType(), type, message, details, extra);
    }

    private static String inputNames(NodeDescriptor d) {
        return d.inputs().isEmpty() ? "none" : String.join(", ", d.inputs().stream().map(InputSpec::name).toList());
    }

    private static String describeOutputs(List<OutputSpec> outputs) {
        if (outputs.isEmpty()) return "no outputs";
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) shown.add(i + " " + outputs.get(i).type());
        return outputs.size() + " output" + (outputs.size() == 1 ? "" : "s") + " (" + String.join(", ", shown) + ")";
    }
}
