package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.engine.InputValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/**
 * Cache keys, as ComfyUI computes them: a node's class type, its change key, its literal inputs and, for each
 * link, the upstream node's signature and output index, recursively. The node id is not part of it, so two
 * identical nodes share one entry, as in ComfyUI. The text is hashed so that a key stays small however deep the
 * graph is.
 */
final class Signatures {

    private static final System.Logger LOG = System.getLogger(Signatures.class.getName());

    private final Map<String, PreparedNode> nodes;
    private final Map<String, String> computed = new HashMap<>();

    Signatures(Map<String, PreparedNode> nodes) {
        this.nodes = nodes;
    }

    /**
     * The signature of a node of an acyclic, validated workflow. Upstream signatures first, from an explicit stack,
     * so that a long chain cannot overflow the thread's stack.
     */
    String of(String nodeId) {
        Deque<String> todo = new ArrayDeque<>();
        todo.push(nodeId);
        while (!todo.isEmpty()) {
            String id = todo.peek();
            if (computed.containsKey(id)) {
                todo.pop();
                continue;
            }
            boolean ready = true;
            for (InputValue.Link link : nodes.get(id).links().values()) {
                if (!computed.containsKey(link.nodeId())) {
                    todo.push(link.nodeId());
                    ready = false;
                }
            }
            if (ready) {
                computed.put(id, compute(id));
                todo.pop();
            }
        }
        return computed.get(nodeId);
    }

    private String compute(String nodeId) {
        PreparedNode node = nodes.get(nodeId);
        StringBuilder text = new StringBuilder();
        field(text, "class", node.classType());
        field(text, "change", changeKey(node));
        for (InputSpec spec : node.type().descriptor().inputs()) {
            InputValue.Link link = node.links().get(spec.name());
            if (link != null) {
                field(text, "link:" + spec.name(), computed.get(link.nodeId()) + "#" + link.outputIndex());
            } else if (node.widgetValues().containsKey(spec.name())) {
                field(text, "value:" + spec.name(), canonical(node.widgetValues().get(spec.name())));
            }
        }
        return sha256(text.toString());
    }

    private static String changeKey(PreparedNode node) {
        Object key;
        try {
            key = node.type().type().changeKey(node.widgetInputs());
        } catch (RuntimeException | LinkageError e) {
            // ComfyUI treats a failing IS_CHANGED as "always changed".
            LOG.log(System.Logger.Level.WARNING, "node " + node.id() + " (" + node.classType()
                    + "): changeKey failed, the node will execute: " + e);
            return "failed:" + UUID.randomUUID();
        }
        return key == null ? "none" : key.getClass().getName() + ":" + key;
    }

    /** Widget values are Long, Double, String or Boolean; the type letter keeps 1, 1.0 and "1" apart. */
    private static String canonical(Object value) {
        if (value instanceof Long l) return "L" + l;
        if (value instanceof Double d) return "D" + Double.toHexString(d);
        if (value instanceof Boolean b) return "B" + b;
        return "S" + value;
    }

    // Length-prefixed so that no value can imitate a field boundary.
    private static void field(StringBuilder text, String name, String value) {
        text.append(name.length()).append(':').append(name).append('=').append(value.length()).append(':').append(value).append(';');
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
