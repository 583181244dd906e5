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

    // Tarjan's algorithm over "depends on" edges, with an explicit stack of (node, next edge) so that a long chain
    // cannot overflow the thread's stack.
    private void connect(String start) {
        Deque<Frame> frames = new ArrayDeque<>();
        frames.push(enter(start));
        while (!frames.isEmpty()) {
            Frame f = frames.peek();
            if (f.next < f.upstream.size()) {
                String up = f.upstream.get(f.next++);
                if (!index.containsKey(up)) {
                    frames.push(enter(up));
                } else if (onStack.contains(up)) {
                    low.put(f.id, Math.min(low.get(f.id), index.get(up)));
                }
                continue;
            }
            frames.pop();
            finish(f.id);
            Frame caller = frames.peek();
            if (caller != null) low.put(caller.id, Math.min(low.get(caller.id), low.get(f.id)));
        }
    }

    private static final class Frame {
        final String id;
        final List<String> upstream;
        int next;

        Frame(String id, List<String> upstream) {
            this.id = id;
            this.upstream = upstream;
        }
    }

    private Frame enter(String id) {
        index.put(id, counter);
        low.put(id, counter);
        counter++;
        stack.push(id);
        onStack.add(id);
        return new Frame(id, edgesInto.apply(workflow.nodes().get(id)).values().stream().map(InputValue.Link::nodeId).toList());
    }

    private void finish(String id) {
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
        if (source.equals(consumer)) return List.of(source, source);
        List<String> path = new ArrayList<>();
        for (String at = source; at != null; at = cameFrom.get(at)) path.add(at);
        path.add(source);
        Collections.reverse(path);
        return path;
    }
}
