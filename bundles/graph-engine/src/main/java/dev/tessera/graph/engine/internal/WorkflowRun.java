package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.InterruptedExecutionException;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.engine.ExecutionEvent;
import dev.tessera.graph.engine.InputValue;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.Workflow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One execution of a validated workflow: the nodes the outputs need, in dependency order, on the calling thread,
 * reusing cached results. Ends with exactly one of success, error or interrupted, then {@code executing(null)}.
 *
 * <p>Output nodes are cached like any other node, as ComfyUI does: queueing an unchanged workflow again executes
 * nothing, and cached output nodes report their earlier {@code ui} results again in an {@code executed} event.
 */
final class WorkflowRun {

    private static final System.Logger LOG = System.getLogger(WorkflowRun.class.getName());
    private static final int SUMMARY_LENGTH = 200;

    private final Workflow workflow;
    private final Validation validation;
    private final RunOptions options;
    private final EventSink events;
    private final OutputCache cache;
    private final Map<String, RegisteredType> registered;
    private final RunScope scope = new RunScope();

    private final Map<String, NodeResult> results = new HashMap<>();
    private final List<String> executed = new ArrayList<>();
    private final Set<String> cached = new LinkedHashSet<>();
    private final Map<String, Map<String, List<?>>> outputs = new LinkedHashMap<>();

    WorkflowRun(Workflow workflow, Validation validation, RunOptions options, EventSink events, OutputCache cache,
            Map<String, RegisteredType> registered) {
        this.workflow = workflow;
        this.validation = validation;
        this.options = options;
        this.events = events;
        this.cache = cache;
        this.registered = registered;
    }

    RunResult execute() {
        String promptId = options.promptId();
        List<String> order = executionOrder();
        Signatures signatures = new Signatures(validation.nodes());
        Map<String, String> keys = new LinkedHashMap<>();
        for (String id : order) keys.put(id, signatures.of(id));
        // Free what this run does not need before computing anything new.
        cache.retainOnly(new HashSet<>(keys.values()), registered);

        events.emit(new ExecutionEvent.ExecutionStart(promptId));
        List<String> cachedAtStart = order.stream().filter(id -> cachedEntry(id, keys) != null).toList();
        events.emit(new ExecutionEvent.ExecutionCached(promptId, cachedAtStart));

        ExecutionEvent.ExecutionError error = null;
        ExecutionEvent.ExecutionInterrupted interruption = null;
        try {
            for (String id : order) {
                PreparedNode node = validation.nodes().get(id);
                if (options.interrupt().isInterrupted()) {
                    interruption = interrupted(node);
                    break;
                }
                OutputCache.Entry hit = cachedEntry(id, keys);
                if (hit != null) {
                    reuse(node, hit.result());
                    continue;
                }
                events.emit(new ExecutionEvent.Executing(promptId, id));
                ResolvedInputs inputs = resolve(node);
                try {
                    NodeResult result = executeNode(node, inputs);
                    cache.put(keys.get(id), new OutputCache.Entry(result, node.classType(), node.type().type()));
                    results.put(id, result);
                    executed.add(id);
                    report(node, result);
                } catch (InterruptedExecutionException e) {
                    interruption = interrupted(node);
                    break;
                } catch (Throwable t) {
                    if (isFatal(t)) throw (Error) t;
                    error = failed(node, inputs, t);
                    break;
                }
            }
        } finally {
            scope.close();
        }
        finish(error, interruption);
        RunResult.Status status = error != null ? RunResult.Status.FAILED
                : interruption != null ? RunResult.Status.INTERRUPTED : RunResult.Status.SUCCESS;
        return new RunResult(promptId, status, validation.report(), outputs, executed, List.copyOf(cached), error, interruption);
    }

    /**
     * Depth-first from each output in id order, so each output's chain runs together, as in ComfyUI. An explicit
     * stack (node, next input) rather than recursion, so that a long chain cannot overflow the thread's stack.
     */
    private List<String> executionOrder() {
        List<String> order = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<Map.Entry<String, Iterator<InputValue.Link>>> stack = new ArrayDeque<>();
        for (String output : validation.outputs()) {
            if (!seen.add(output)) continue;
            stack.push(Map.entry(output, validation.nodes().get(output).links().values().iterator()));
            while (!stack.isEmpty()) {
                Map.Entry<String, Iterator<InputValue.Link>> top = stack.peek();
                if (top.getValue().hasNext()) {
                    String up = top.getValue().next().nodeId();
                    if (seen.add(up)) stack.push(Map.entry(up, validation.nodes().get(up).links().values().iterator()));
                } else {
                    stack.pop();
                    order.add(top.getKey());
                }
            }
        }
        return order;
    }

    private OutputCache.Entry cachedEntry(String id, Map<String, String> keys) {
        return cache.get(keys.get(id), validation.nodes().get(id).type().type());
    }

    private void reuse(PreparedNode node, NodeResult result) {
        results.put(node.id(), result);
        cached.add(node.id());
        report(node, result);
    }

    private void report(PreparedNode node, NodeResult result) {
        if (result.ui().isEmpty()) return;
        outputs.put(node.id(), result.ui());
        events.emit(new ExecutionEvent.Executed(options.promptId(), node.id(), result.ui()));
    }

    private ResolvedInputs resolve(PreparedNode node) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> emptyLinks = new HashMap<>();
        for (var spec : node.type().descriptor().inputs()) {
            String name = spec.name();
            InputValue.Link link = node.links().get(name);
            if (link != null) {
                Object value = results.get(link.nodeId()).value(link.outputIndex());
                if (value == null) emptyLinks.put(name, "output " + link.outputIndex() + " of node " + link.nodeId());
                values.put(name, value);
            } else if (node.widgetValues().containsKey(name)) {
                values.put(name, node.widgetValues().get(name));
            }
        }
        return new ResolvedInputs(node.id(), node.classType(), values, emptyLinks);
    }

    private NodeResult executeNode(PreparedNode node, ResolvedInputs inputs) {
        NodeContext context = new NodeContext(node.id(), options.promptId(), options.interrupt(), scope, events,
                workflow.json(), options.extraPngInfo());
        NodeResult result = node.type().type().execute(inputs, context);
        int declared = node.type().descriptor().outputs().size();
        if (result == null) {
            throw new IllegalStateException("node type " + node.classType() + " returned no result (null)");
        }
        if (result.values().size() != declared) {
            throw new IllegalStateException("node type " + node.classType() + " returned " + result.values().size()
                    + " value(s) but declares " + declared + " output(s)");
        }
        return result;
    }

    private ExecutionEvent.ExecutionInterrupted interrupted(PreparedNode node) {
        return new ExecutionEvent.ExecutionInterrupted(options.promptId(), node.id(), node.classType(), executed);
    }

    private ExecutionEvent.ExecutionError failed(PreparedNode node, ResolvedInputs inputs, Throwable t) {
        String message = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
        String errorType = t instanceof NodeException ne ? ne.type() : "execution_error";
        String inputName = t instanceof NodeException ne ? ne.inputName() : null;
        // One line for the log; the trace only at debug level, so that consoles show no stack trace.
        LOG.log(System.Logger.Level.WARNING, "node " + node.id() + " (" + node.classType() + ") failed: " + t);
        LOG.log(System.Logger.Level.DEBUG, "node " + node.id() + " failure", t);
        return new ExecutionEvent.ExecutionError(options.promptId(), node.id(), node.classType(), message,
                t.getClass().getName(), errorType, inputName, summarize(inputs), executed);
    }

    private static Map<String, String> summarize(ResolvedInputs inputs) {
        Map<String, String> summary = new LinkedHashMap<>();
        inputs.values().forEach((name, value) -> summary.put(name, summarize(value)));
        return summary;
    }

    private static String summarize(Object value) {
        String text;
        try {
            text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        } catch (RuntimeException e) {
            text = value.getClass().getName();
        }
        return text.length() > SUMMARY_LENGTH ? text.substring(0, SUMMARY_LENGTH) + "..." : text;
    }

    private void finish(ExecutionEvent.ExecutionError error, ExecutionEvent.ExecutionInterrupted interruption) {
        if (error != null) events.emit(error);
        else if (interruption != null) events.emit(interruption);
        else events.emit(new ExecutionEvent.ExecutionSuccess(options.promptId()));
        events.emit(new ExecutionEvent.Executing(options.promptId(), null));
    }

    /** Errors after which the JVM is not trustworthy; everything else is the node's failure. */
    private static boolean isFatal(Throwable t) {
        return t instanceof VirtualMachineError && !(t instanceof StackOverflowError || t instanceof OutOfMemoryError);
    }
}
