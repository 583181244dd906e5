package dev.tessera.embed;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A workflow built in Java, node by node, in ComfyUI's API format: each node has an id, a {@code class_type} and
 * inputs that are literals or links to another node's output.
 *
 * <pre>{@code
 * Graph g = new Graph();
 * Graph.Node load = g.add("LoadImage").set("image", "mosaic.png");
 * Graph.Node scale = g.add("ImageScale").link("image", load, 0).set("upscale_method", "lanczos")
 *         .set("width", 256).set("height", 0).set("crop", "disabled");
 * g.add("SaveImage").link("images", scale, 0).set("filename_prefix", "embedded");
 * }</pre>
 *
 * Only the shape is checked here; whether the types and inputs exist is the engine's validation, when submitted.
 */
public final class Graph {

    /** An input linked to output {@code output} (from 0) of node {@code nodeId}: ComfyUI's {@code [id, index]}. */
    public record Link(String nodeId, int output) {
        public Link {
            Objects.requireNonNull(nodeId, "nodeId");
            if (output < 0) throw new IllegalArgumentException("output index must be 0 or more, got " + output);
        }
    }

    /** One node; its setters return it, to chain them. */
    public static final class Node {
        private final String id;
        private final String classType;
        private final Map<String, Object> inputs = new LinkedHashMap<>();

        private Node(String id, String classType) {
            this.id = id;
            this.classType = classType;
        }

        public String id() {
            return id;
        }

        public String classType() {
            return classType;
        }

        /** The inputs in the order set: each a String, Boolean, Number or {@link Link}. */
        public Map<String, Object> inputs() {
            return Collections.unmodifiableMap(inputs);
        }

        /**
         * Sets a widget input to a literal.
         *
         * @throws IllegalArgumentException for a value that is not a String, Boolean or finite Number
         */
        public Node set(String input, Object value) {
            Objects.requireNonNull(input, "input");
            boolean ok = value instanceof String || value instanceof Boolean || value instanceof Link
                    || (value instanceof Number n && Double.isFinite(n.doubleValue()));
            if (!ok) {
                throw new IllegalArgumentException("node " + id + " (" + classType + ") input '" + input
                        + "': a literal is a String, Boolean or finite Number, got "
                        + (value == null ? "null" : value.getClass().getName() + " " + value));
            }
            inputs.put(input, value);
            return this;
        }

        /** Links an input to output {@code output} (from 0) of {@code from}. */
        public Node link(String input, Node from, int output) {
            return set(input, new Link(from.id(), output));
        }
    }

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private int nextId = 1;

    /** Adds a node with the next free numeric id ("1", "2", ...). */
    public Node add(String classType) {
        while (nodes.containsKey(String.valueOf(nextId))) nextId++;
        return add(String.valueOf(nextId++), classType);
    }

    /**
     * Adds a node with the id given.
     *
     * @throws IllegalArgumentException when the id is taken or blank
     */
    public Node add(String id, String classType) {
        Objects.requireNonNull(classType, "classType");
        if (id == null || id.isBlank()) throw new IllegalArgumentException("a node id must not be blank");
        if (nodes.containsKey(id)) throw new IllegalArgumentException("node id " + id + " is taken (by " + nodes.get(id).classType + ")");
        Node node = new Node(id, classType);
        nodes.put(id, node);
        return node;
    }

    /** The nodes by id, in the order added. */
    public Map<String, Node> nodes() {
        return Collections.unmodifiableMap(nodes);
    }

    /** The workflow in ComfyUI's API format. */
    public String toApiJson() {
        JsonObject root = new JsonObject();
        nodes.forEach((id, node) -> {
            JsonObject inputs = new JsonObject();
            node.inputs.forEach((name, value) -> {
                if (value instanceof Link link) {
                    JsonArray array = new JsonArray();
                    array.add(link.nodeId());
                    array.add(link.output());
                    inputs.add(name, array);
                } else if (value instanceof String s) {
                    inputs.addProperty(name, s);
                } else if (value instanceof Boolean b) {
                    inputs.addProperty(name, b);
                } else {
                    inputs.add(name, number((Number) value));
                }
            });
            JsonObject json = new JsonObject();
            json.addProperty("class_type", node.classType);
            json.add("inputs", inputs);
            root.add(id, json);
        });
        return new GsonBuilder().setPrettyPrinting().create().toJson(root);
    }

    // Whole numbers are written without a fraction so INT inputs get integers (Gson writes a Double 3.0 as "3.0").
    private static JsonPrimitive number(Number n) {
        if (n instanceof Byte || n instanceof Short || n instanceof Integer || n instanceof Long
                || n instanceof java.math.BigInteger) {
            return new JsonPrimitive(n);
        }
        return new JsonPrimitive(n.doubleValue());
    }
}
