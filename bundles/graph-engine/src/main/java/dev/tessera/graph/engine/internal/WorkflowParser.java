package dev.tessera.graph.engine.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.tessera.graph.engine.InputValue;
import dev.tessera.graph.engine.ParseProblem;
import dev.tessera.graph.engine.StrictJson;
import dev.tessera.graph.engine.Workflow;
import dev.tessera.graph.engine.WorkflowNode;
import dev.tessera.graph.engine.WorkflowLimits;
import dev.tessera.graph.engine.WorkflowParseException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads ComfyUI API-format JSON into a {@link Workflow}, collecting every structural problem. */
public final class WorkflowParser {

    static final String INVALID_JSON = "invalid_json";
    static final String INVALID_PROMPT = "invalid_prompt";

    private final WorkflowLimits limits;

    public WorkflowParser() {
        this(WorkflowLimits.DEFAULTS);
    }

    public WorkflowParser(WorkflowLimits limits) {
        this.limits = limits;
    }

    public Workflow parse(String json, String source) {
        JsonElement root = readStrict(json, source);
        if (!root.isJsonObject()) {
            throw new WorkflowParseException(source, List.of(new ParseProblem(null, null, INVALID_PROMPT,
                    "a workflow in API format is a JSON object of nodes keyed by id, got " + kind(root))), -1, -1);
        }
        int count = root.getAsJsonObject().size();
        if (count > limits.maxNodes()) {
            throw new WorkflowParseException(source, List.of(new ParseProblem(null, null, INVALID_PROMPT,
                    "the workflow has " + count + " nodes, more than the limit of " + limits.maxNodes() + " ("
                    + WorkflowLimits.MAX_NODES + ")")), -1, -1);
        }
        List<ParseProblem> problems = new ArrayList<>();
        Map<String, WorkflowNode> nodes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.getAsJsonObject().entrySet()) {
            WorkflowNode node = node(e.getKey(), e.getValue(), problems);
            if (node != null) nodes.put(node.id(), node);
        }
        if (!problems.isEmpty()) throw new WorkflowParseException(source, problems, -1, -1);
        // Compact form of what was given (keeps _meta): what SaveImage embeds as the PNG's "prompt" chunk.
        return new Workflow(nodes, root.toString());
    }

    private JsonElement readStrict(String json, String source) {
        if (json == null || json.isBlank()) {
            throw new WorkflowParseException(source,
                    List.of(new ParseProblem(null, null, INVALID_JSON, "the text is empty, expected a JSON object")), -1, -1);
        }
        try {
            return StrictJson.read(json, limits.maxDepth());
        } catch (StrictJson.Problem p) {
            if (p.duplicateName() != null && p.depth() == 1) {
                throw new WorkflowParseException(source, List.of(ParseProblem.duplicateNode(p.duplicateName(), p.line(),
                        p.column())), p.line(), p.column());
            }
            String hint = p.getMessage().startsWith("objects and arrays are nested deeper") ? " (" + WorkflowLimits.MAX_DEPTH + ")" : "";
            throw new WorkflowParseException(source, List.of(new ParseProblem(null, null, INVALID_JSON,
                    "not valid JSON " + p.describe() + hint)), p.line(), p.column());
        }
    }

    private static WorkflowNode node(String id, JsonElement value, List<ParseProblem> problems) {
        if (!value.isJsonObject()) {
            problems.add(new ParseProblem(id, null, INVALID_PROMPT,
                    "node " + id + ": expected an object {\"class_type\": ..., \"inputs\": {...}}, got " + kind(value)));
            return null;
        }
        JsonObject obj = value.getAsJsonObject();
        JsonElement classType = obj.get("class_type");
        if (classType == null || !isString(classType) || classType.getAsString().isBlank()) {
            problems.add(new ParseProblem(id, null, INVALID_PROMPT, "node " + id
                    + ": \"class_type\" must be a non-empty string naming the node type, got "
                    + (classType == null ? "nothing" : kind(classType))));
            return null;
        }
        Map<String, InputValue> inputs = new LinkedHashMap<>();
        JsonElement in = obj.get("inputs");
        if (in != null && !in.isJsonNull()) {
            if (!in.isJsonObject()) {
                problems.add(new ParseProblem(id, null, INVALID_PROMPT,
                        "node " + id + ": \"inputs\" must be an object of input name to value, got " + kind(in)));
                return null;
            }
            for (Map.Entry<String, JsonElement> e : in.getAsJsonObject().entrySet()) {
                InputValue v = input(id, e.getKey(), e.getValue(), problems);
                if (v != null) inputs.put(e.getKey(), v);
            }
        }
        return new WorkflowNode(id, classType.getAsString(), inputs, title(obj));
    }

    private static String title(JsonObject node) {
        JsonElement meta = node.get("_meta");
        if (meta == null || !meta.isJsonObject()) return null;
        JsonElement title = meta.getAsJsonObject().get("title");
        return title != null && isString(title) ? title.getAsString() : null;
    }

    private static InputValue input(String nodeId, String name, JsonElement value, List<ParseProblem> problems) {
        if (value.isJsonArray()) {
            // As in ComfyUI, an array is always a link.
            InputValue.Link link;
            try {
                link = link(value.getAsJsonArray());
            } catch (NumberFormatException e) {
                link = null;
            }
            if (link == null) {
                problems.add(new ParseProblem(nodeId, name, INVALID_PROMPT, "node " + nodeId + " input '" + name
                        + "': a link must be [source node id, output index] with a non-negative whole index, got " + value));
            }
            return link;
        }
        try {
            return new InputValue.Literal(literal(value));
        } catch (NumberFormatException e) {
            problems.add(new ParseProblem(nodeId, name, INVALID_PROMPT, "node " + nodeId + " input '" + name
                    + "': a number too long to read (" + e.getMessage() + ")"));
            return null;
        }
    }

    private static InputValue.Link link(JsonArray a) {
        if (a.size() != 2 || !a.get(0).isJsonPrimitive() || !a.get(1).isJsonPrimitive()) return null;
        JsonPrimitive source = a.get(0).getAsJsonPrimitive();
        JsonPrimitive index = a.get(1).getAsJsonPrimitive();
        if (source.isBoolean() || !index.isNumber()) return null;
        // ComfyUI ids are strings, but some writers emit numbers.
        String sourceId = source.isNumber() ? canonicalNumber(source.getAsBigDecimal()) : source.getAsString();
        BigDecimal idx = index.getAsBigDecimal();
        if (idx.signum() < 0 || idx.stripTrailingZeros().scale() > 0 || idx.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            return null;
        }
        return new InputValue.Link(sourceId, idx.intValueExact());
    }

    /** A top-level literal: numbers as {@link #number}. */
    static Object literal(JsonElement value) {
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) return number(value.getAsBigDecimal());
        return nested(value);
    }

    /** Inside maps and lists numbers stay Long or Double, as node code reading JSON objects expects. */
    private static Object nested(JsonElement value) {
        if (value.isJsonNull()) return null;
        if (value.isJsonObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : value.getAsJsonObject().entrySet()) {
                map.put(e.getKey(), nested(e.getValue()));
            }
            return map;
        }
        if (value.isJsonArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonElement item : value.getAsJsonArray()) list.add(nested(item));
            return list;
        }
        JsonPrimitive p = value.getAsJsonPrimitive();
        if (p.isBoolean()) return p.getAsBoolean();
        if (p.isString()) return p.getAsString();
        Object n = number(p.getAsBigDecimal());
        return n instanceof java.math.BigInteger b ? (Object) b.doubleValue() : n;
    }

    /**
     * Long when the value is whole and fits, so 5 and 5.0 read alike; a whole number above that up to 2^64-1
     * (ComfyUI's largest seed) exactly, as a BigInteger; Double otherwise.
     */
    static Object number(BigDecimal d) {
        BigDecimal stripped = d.stripTrailingZeros();
        if (stripped.scale() <= 0 && stripped.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
            return stripped.longValueExact();
        }
        if (stripped.scale() <= 0 && stripped.signum() > 0 && stripped.compareTo(UNSIGNED_64_MAX) <= 0) {
            return stripped.toBigIntegerExact();
        }
        return d.doubleValue();
    }

    private static final BigDecimal UNSIGNED_64_MAX = new BigDecimal("18446744073709551615");

    private static String canonicalNumber(BigDecimal d) {
        Object n = number(d);
        return n.toString();
    }

    private static boolean isString(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    static String kind(JsonElement e) {
        if (e.isJsonNull()) return "null";
        if (e.isJsonArray()) return "an array";
        if (e.isJsonObject()) return "an object";
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) return "the boolean " + p.getAsBoolean();
        if (p.isNumber()) return "the number " + p.getAsString();
        return "the string " + p;
    }
}
