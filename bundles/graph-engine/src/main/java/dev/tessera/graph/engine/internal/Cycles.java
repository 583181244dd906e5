package dev.tessera.graph.engine.internal;

import dev.tessera.graph.engine.InputValue;
import dev.tessera.graph.engine.Workflow;
import dev.tessera.graph.engine.WorkflowNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Finds the groups of nodes that depend on each other (strongly connected components with a cycle). */
final class Cycles {

    private final Workflow workflow;
    private final Function<WorkflowNode, Map<String, InputValue.Link>> edgesInto;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new java.util.HashSet<>();
    private final List<Set<String>> found = new ArrayList<>();
    private int counter;

    /** @param edgesInto the links into a node, by input name, each to a node of the workflow */
    Cycles(Workflow workflow, Function<WorkflowNode, Map<String, InputValue.Link>> edgesInto) {
        this.workflow = workflow;
        this.edgesInto = edgesInto;
    }

    /** Each group of nodes on a cycle, node ids sorted. */
    List<Set<String>> find() {
        List<String> ids = new ArrayList<>(workflow.nodes().keySet());
        ids.sort(NodeIds.ORDER);
        for (String id : ids) {
            if (!index.containsKey(id)) connect(id);
        }
        return found;
    }

    // Tarjan's algorithm over "depends on" edges; recursion depth is bounded by the workflow's size.
    private void connect(String id) {
        index.put(id, counter);
        low.put(id, counter);
        counter++;
        stack.push(id);
        onStack.add(id);
        for (InputValue.Link link : edgesInto.apply(workflow.nodes().get(id)).values()) {
            String up = link.nodeId();
            if (!index.containsKey(up)) {
                connect(up);
                low.put(id, Math.min(low.get(id), low.get(up)));
            } else if (onStack.contains(up)) {
                low.put(id, Math.min(low.get(id), index.get(up)));
            }
        }
        if (low.get(id).equals(index.get(id))) {
            Set<String> component = new TreeSet<>(NodeIds.ORDER);
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(id));
            if (component.size() > 1 || dependsOnItself(id)) found.add(Collections.unmodifiableSet(component));
        }
    }

    private boolean dependsOnItself(String id) {
        return edgesInto.apply(workflow.nodes().get(id)).values().stream().anyMatch(l -> l.nodeId().equals(id));
    }

    /**
     * The cycle that the link from {@code source} into {@code consumer} closes, in the direction data flows:
     * source, consumer, ..., source.
     */
    static List<String> path(Workflow workflow, Function<WorkflowNode, Map<String, InputValue.Link>> edgesInto,
            String consumer, String source) {
        Map<String, List<String>> consumers = new HashMap<>();
        for (WorkflowNode n : workflow.nodes().values()) {
            for (InputValue.Link link : edgesInto.apply(n).values()) {
                consumers.computeIfAbsent(link.nodeId(), k -> new ArrayList<>()).add(n.id());
            }
        }
        Map<String, String> cameFrom = new LinkedHashMap<>();
        Deque<String> todo = new ArrayDeque<>(List.of(consumer));
        cameFrom.put(consumer, null);
        while (!todo.isEmpty() && !cameFrom.containsKey(source)) {
            String at = todo.poll();
            for (String next : consumers.getOrDefault(at, List.of())) {
                if (!cameFrom.containsKey(next)) {
                    cameFrom.put(next, at);
                    todo.add(next);
                }
            }
        }
        List<String> path = new ArrayList<>();
        for (String at = source; at != null; at = cameFrom.get(at)) path.add(0, at);
        path.add(0, source);
        if (source.equals(consumer)) return List.of(source, source);
        return path;
    }
}
