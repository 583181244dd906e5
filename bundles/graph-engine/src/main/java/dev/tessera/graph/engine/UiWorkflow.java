package dev.tessera.graph.engine;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.Widget;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * ComfyUI's UI-format workflow (litegraph JSON, version 0.4 or 1, with {@code definitions.subgraphs}) to its API
 * format, by the rules of ComfyUI's frontend ({@code graphToPrompt} in {@code executionUtil.ts} and
 * {@code ExecutableNodeDTO} in its litegraph): the one converter of Tessera, used by the CLI and by the server for
 * the editor.
 *
 * <ul>
 * <li>Note, MarkdownNote: left out. Reroute: its input passes through. PrimitiveNode: its value goes to every input
 * it is linked to. Groups are layout only.</li>
 * <li>Widget values are matched to the node type's widget inputs in order. The frontend also saves its own widgets
 * there: the {@code control_after_generate} value after a seed (an INT with ComfyUI's seed range, or named
 * {@code seed}/{@code noise_seed}) is skipped ({@code fixed}, {@code increment}, {@code decrement},
 * {@code randomize}, or a boolean in old workflows), and values after the last widget (LoadImage's
 * {@code upload}) are ignored. Values missing at the end take the widget's default.</li>
 * <li>A linked input takes the link (converted widgets included); links are followed through reroutes, bypassed
 * nodes (the first input of the output's type, the same slot preferred) and subgraph boundaries. An input linked to
 * a muted node is left out.</li>
 * <li>Subgraph instances are expanded: the nodes inside get ComfyUI's execution ids, {@code "<instance>:<inner>"}
 * (nested: {@code "a:b:c"}); an instance input that is not linked takes the instance's widget value. A muted or
 * bypassed instance mutes or bypasses all it holds.</li>
 * <li>A node type that is not installed is named in a note; it stays in the prompt only if an installed node needs
 * its output (validation then refuses the prompt naming it), else it is left out.</li>
 * </ul>
 */
public final class UiWorkflow {

    /** litegraph node modes. */
    private static final int MODE_NEVER = 2;
    private static final int MODE_BYPASS = 4;
    /** Subgraph boundary nodes inside a subgraph definition (litegraph's SUBGRAPH_INPUT_ID / SUBGRAPH_OUTPUT_ID). */
    private static final String SUBGRAPH_INPUT = "-10";
    private static final String SUBGRAPH_OUTPUT = "-20";
    private static final int MAX_SUBGRAPH_DEPTH = 32;
    /** Follow-the-link steps per input before the workflow is called circular. */
    private static final int MAX_STEPS = 1_000_000;

    private static final Set<String> NOTES = Set.of("Note", "MarkdownNote");
    private static final Set<String> SEED_CONTROLS = Set.of("fixed", "increment", "decrement", "randomize");

    /**
     * The API prompt and what the conversion has to tell (not-installed node types, unsupported parts), one
     * sentence each.
     */
    public record Conversion(JsonObject prompt, List<String> notes) {
        public Conversion {
            notes = List.copyOf(notes);
        }
    }

    private UiWorkflow() {
    }

    /** Whether a JSON document is a UI-format workflow (an object with a {@code nodes} list). */
    public static boolean isUiWorkflow(JsonElement doc) {
        return doc != null && doc.isJsonObject() && doc.getAsJsonObject().has("nodes")
                && doc.getAsJsonObject().get("nodes").isJsonArray();
    }

    /**
     * Converts a UI-format workflow.
     *
     * @param types the installed node types by type id
     * @param source a name for messages (the file name), or null
     * @throws WorkflowParseException ({@code invalid_prompt}) when the document is not a UI workflow that can be read
     */
    public static Conversion toApi(JsonObject ui, Function<String, Optional<NodeDescriptor>> types, String source) {
        return new Converter(ui, types, source).convert();
    }

    private record Link(String originId, int originSlot, String targetId, int targetSlot) {
    }

    /** A graph level: the root, or one expanded subgraph instance. */
    private static final class Level {
        final String prefix;
        final Map<String, JsonObject> nodes = new LinkedHashMap<>();
        final Map<Long, Link> links = new HashMap<>();
        final Map<String, Level> children = new HashMap<>();
        final Level parent;
        final JsonObject instance;
        final JsonObject definition;
        final int forcedMode;

        Level(String prefix, Level parent, JsonObject instance, JsonObject definition, int forcedMode) {
            this.prefix = prefix;
            this.parent = parent;
            this.instance = instance;
            this.definition = definition;
            this.forcedMode = forcedMode;
        }
    }

    /** What an input resolves to: a link to an output of a node that runs, a value, or nothing. */
    private record Resolved(String nodeId, int slot, JsonElement value) {
    }

    private static final class Converter {
        private final JsonObject ui;
        private final Function<String, Optional<NodeDescriptor>> types;
        private final String source;
        private final Map<String, JsonObject> subgraphs = new HashMap<>();
        private final List<String> notes = new ArrayList<>();
        private final Set<String> notedTypes = new HashSet<>();
        private final JsonObject prompt = new JsonObject();
        private final Set<String> unknown = new LinkedHashSet<>();
        private final Map<String, String> unknownTitles = new HashMap<>();

        Converter(JsonObject ui, Function<String, Optional<NodeDescriptor>> types, String source) {
            this.ui = ui;
            this.types = types;
            this.source = source;
        }

        Conversion convert() {
            JsonElement defs = ui.get("definitions");
            if (defs != null && defs.isJsonObject() && defs.getAsJsonObject().get("subgraphs") instanceof JsonArray list) {
                for (JsonElement e : list) {
                    if (e.isJsonObject() && e.getAsJsonObject().get("id") instanceof JsonPrimitive id) {
                        subgraphs.put(id.getAsString(), e.getAsJsonObject());
                    }
                }
            }
            Level root = new Level("", null, null, null, -1);
            read(root, ui, "the workflow");
            expand(root, 0);
            emit(root);
            dropDanglingAndUnknown();
            return new Conversion(prompt, notes);
        }

        private WorkflowParseException problem(String nodeId, String message) {
            return new WorkflowParseException(source, List.of(new ParseProblem(nodeId, null, "invalid_prompt", message)), -1, -1);
        }

        /** Reads the nodes and links of a graph object (the root or a subgraph definition). */
        private void read(Level level, JsonObject graph, String what) {
            if (!(graph.get("nodes") instanceof JsonArray nodes)) {
                throw problem(null, what + " has no \"nodes\" list");
            }
            for (JsonElement e : nodes) {
                if (!e.isJsonObject()) throw problem(null, what + ": a node is not an object but " + kind(e));
                JsonObject node = e.getAsJsonObject();
                String id = idOf(node.get("id"));
                if (id == null) throw problem(null, what + ": a node has no \"id\"");
                if (!(node.get("type") instanceof JsonPrimitive t) || !t.isString()) {
                    throw problem(level.prefix + id, what + ": node " + level.prefix + id + " has no \"type\"");
                }
                if (level.nodes.put(id, node) != null) {
                    throw problem(level.prefix + id, what + ": node id " + id + " is given twice");
                }
            }
            JsonElement links = graph.get("links");
            if (links != null && links.isJsonArray()) {
                for (JsonElement l : links.getAsJsonArray()) {
                    Link link;
                    long id;
                    if (l.isJsonArray() && l.getAsJsonArray().size() >= 5) {
                        // version 0.4: [id, origin id, origin slot, target id, target slot, type]
                        JsonArray a = l.getAsJsonArray();
                        id = number(a.get(0));
                        link = new Link(idOf(a.get(1)), (int) number(a.get(2)), idOf(a.get(3)), (int) number(a.get(4)));
                    } else if (l.isJsonObject()) {
                        JsonObject o = l.getAsJsonObject();
                        id = number(o.get("id"));
                        link = new Link(idOf(o.get("origin_id")), (int) number(o.get("origin_slot")), idOf(o.get("target_id")),
                                (int) number(o.get("target_slot")));
                    } else {
                        continue;
                    }
                    if (id != Long.MIN_VALUE && link.originId() != null) level.links.put(id, link);
                }
            }
        }

        /** Expands subgraph instances into child levels, depth first. */
        private void expand(Level level, int depth) {
            for (JsonObject node : level.nodes.values()) {
                String type = node.get("type").getAsString();
                JsonObject def = subgraphs.get(type);
                if (def == null) continue;
                String id = idOf(node.get("id"));
                if (depth >= MAX_SUBGRAPH_DEPTH) {
                    throw problem(level.prefix + id, "subgraphs are nested deeper than " + MAX_SUBGRAPH_DEPTH
                            + " levels at node " + level.prefix + id + " (a subgraph that contains itself?)");
                }
                int mode = level.forcedMode >= 0 ? level.forcedMode : mode(node);
                Level child = new Level(level.prefix + id + ":", level, node, def,
                        mode == MODE_NEVER || mode == MODE_BYPASS ? mode : -1);
                read(child, def, "subgraph '" + name(def) + "'");
                level.children.put(id, child);
                expand(child, depth + 1);
            }
        }

        private void emit(Level level) {
            for (Map.Entry<String, JsonObject> e : level.nodes.entrySet()) {
                JsonObject node = e.getValue();
                String id = level.prefix + e.getKey();
                String type = node.get("type").getAsString();
                if (level.children.containsKey(e.getKey())) {
                    emit(level.children.get(e.getKey()));
                    continue;
                }
                if (NOTES.contains(type) || "Reroute".equals(type) || "PrimitiveNode".equals(type)) continue;
                int mode = level.forcedMode >= 0 ? level.forcedMode : mode(node);
                if (mode == MODE_NEVER || mode == MODE_BYPASS) continue;
                Optional<NodeDescriptor> descriptor = types.apply(type);
                JsonObject inputs = new JsonObject();
                String title = string(node.get("title"));
                if (descriptor.isPresent()) {
                    widgetValues(descriptor.get(), node, inputs);
                    if (title == null) title = descriptor.get().displayName();
                } else {
                    unknown.add(id);
                    unknownTitles.put(id, title == null ? type : title);
                    if (node.get("widgets_values") instanceof JsonObject byName) {
                        for (Map.Entry<String, JsonElement> v : byName.entrySet()) inputs.add(v.getKey(), widget(v.getValue()));
                    }
                    if (title == null) title = type;
                }
                JsonArray slots = node.get("inputs") instanceof JsonArray a ? a : new JsonArray();
                for (int i = 0; i < slots.size(); i++) {
                    if (!(slots.get(i) instanceof JsonObject slot)) continue;
                    String name = string(slot.get("name"));
                    if (name == null) continue;
                    Resolved r = resolveInput(level, node, i);
                    if (r == null) continue;
                    inputs.add(name, r.value() != null ? widget(r.value()) : link(r.nodeId(), r.slot()));
                }
                JsonObject entry = new JsonObject();
                entry.add("inputs", inputs);
                entry.addProperty("class_type", type);
                JsonObject meta = new JsonObject();
                meta.addProperty("title", title);
                entry.add("_meta", meta);
                prompt.add(id, entry);
            }
        }

        /** The node's widget values by the type's widget inputs, skipping the frontend's own widgets. */
        private void widgetValues(NodeDescriptor type, JsonObject node, JsonObject inputs) {
            List<InputSpec> widgets = type.inputs().stream().filter(InputSpec::hasWidget).toList();
            JsonElement saved = node.get("widgets_values");
            if (saved instanceof JsonObject byName) {
                for (InputSpec w : widgets) {
                    JsonElement v = byName.get(w.name());
                    putValue(inputs, w, v);
                }
                return;
            }
            JsonArray values = saved instanceof JsonArray a ? a : new JsonArray();
            int extra = values.size() - widgets.size();
            int at = 0;
            for (InputSpec w : widgets) {
                putValue(inputs, w, at < values.size() ? values.get(at) : null);
                at++;
                if (at < values.size() && seedLike(w)) {
                    JsonElement next = values.get(at);
                    boolean control = next instanceof JsonPrimitive p
                            && (p.isString() && SEED_CONTROLS.contains(p.getAsString()) || p.isBoolean() && extra > 0);
                    if (control) {
                        at++;
                        extra--;
                    }
                }
            }
        }

        private void putValue(JsonObject inputs, InputSpec w, JsonElement v) {
            if (v != null && !v.isJsonNull()) {
                inputs.add(w.name(), widget(v));
                return;
            }
            Object d = w.widget().defaultLiteral();
            if (d instanceof Boolean b) inputs.addProperty(w.name(), b);
            else if (d instanceof Number n) inputs.addProperty(w.name(), n);
            else if (d instanceof String s) inputs.addProperty(w.name(), s);
        }

        /** ComfyUI adds control_after_generate to seeds; Tessera's descriptors mark a seed by its range or name. */
        private static boolean seedLike(InputSpec w) {
            return w.widget() instanceof Widget.IntWidget iw
                    && (iw.unsigned() || w.name().equals("seed") || w.name().equals("noise_seed"));
        }

        /**
         * Follows the link into input {@code slot} of {@code node} to the output that produces it, as
         * ExecutableNodeDTO.resolveInput/resolveOutput do, without recursion.
         */
        private Resolved resolveInput(Level level, JsonObject node, int slot) {
            Set<String> visited = new HashSet<>();
            String type = null;
            boolean input = true;
            for (int step = 0; step < MAX_STEPS; step++) {
                String nodeId = level.prefix + idOf(node.get("id"));
                if (!visited.add(nodeId + (input ? "[I]" : "[O]") + slot)) {
                    throw problem(nodeId, "the links through node " + nodeId + " form a loop");
                }
                if (input) {
                    JsonObject in = slotAt(node, "inputs", slot);
                    if (in == null) return null;
                    if (type == null) type = string(in.get("type"));
                    Long linkId = in.get("link") instanceof JsonPrimitive p && p.isNumber() ? p.getAsLong() : null;
                    if (linkId == null) return null;
                    Link link = level.links.get(linkId);
                    if (link == null) {
                        noteOnce("link " + linkId, "node " + nodeId + " input '" + string(in.get("name")) + "' names link "
                                + linkId + ", which the workflow does not have; the input is left unconnected");
                        return null;
                    }
                    if (SUBGRAPH_INPUT.equals(link.originId()) && level.instance != null) {
                        // Out of the subgraph through the instance's input of that name.
                        String name = subgraphInputName(level.definition, link.originSlot());
                        int outer = instanceInput(level.instance, name, link.originSlot());
                        JsonObject outerSlot = slotAt(level.instance, "inputs", outer);
                        if (outerSlot == null || outerSlot.get("link") == null || outerSlot.get("link").isJsonNull()) {
                            JsonElement v = promotedValue(level.instance, name, outer);
                            return v == null ? null : new Resolved(null, -1, v);
                        }
                        node = level.instance;
                        slot = outer;
                        level = level.parent;
                        type = null;
                        continue;
                    }
                    JsonObject origin = level.nodes.get(link.originId());
                    if (origin == null) return null;
                    node = origin;
                    slot = link.originSlot();
                    input = false;
                    continue;
                }
                // An output of `node`: does it run, or does it pass something through?
                String t = node.get("type").getAsString();
                int mode = level.forcedMode >= 0 ? level.forcedMode : mode(node);
                Level child = level.children.get(idOf(node.get("id")));
                if (mode == MODE_BYPASS) {
                    int through = bypassSlot(node, slot, type);
                    if (through < 0) return null;
                    slot = through;
                    input = true;
                    type = null; // as resolveInput(matchingIndex): the type of the input taken
                    continue;
                }
                if (child != null) {
                    Link inner = null;
                    for (Link l : child.links.values()) {
                        if (SUBGRAPH_OUTPUT.equals(l.targetId()) && l.targetSlot() == slot) inner = l;
                    }
                    if (inner == null) return null;
                    if (SUBGRAPH_INPUT.equals(inner.originId())) {
                        // The subgraph passes one of its inputs straight out.
                        String name = subgraphInputName(child.definition, inner.originSlot());
                        int outer = instanceInput(node, name, inner.originSlot());
                        JsonObject outerSlot = slotAt(node, "inputs", outer);
                        if (outerSlot == null || outerSlot.get("link") == null || outerSlot.get("link").isJsonNull()) {
                            JsonElement v = promotedValue(node, name, outer);
                            return v == null ? null : new Resolved(null, -1, v);
                        }
                        slot = outer;
                        input = true;
                        type = null;
                        continue;
                    }
                    JsonObject origin = child.nodes.get(inner.originId());
                    if (origin == null) return null;
                    level = child;
                    node = origin;
                    slot = inner.originSlot();
                    continue;
                }
                if ("Reroute".equals(t)) {
                    slot = 0;
                    input = true;
                    continue;
                }
                if ("PrimitiveNode".equals(t)) {
                    // The frontend's applyToGraph writes the primitive's value into the widgets it feeds.
                    return node.get("widgets_values") instanceof JsonArray a && !a.isEmpty() ? new Resolved(null, -1, a.get(0)) : null;
                }
                if (NOTES.contains(t)) return null;
                return new Resolved(level.prefix + idOf(node.get("id")), slot, null);
            }
            throw problem(null, "links are followed through more than " + MAX_STEPS + " nodes");
        }

        private static String subgraphInputName(JsonObject definition, int index) {
            return definition.get("inputs") instanceof JsonArray a && index >= 0 && index < a.size()
                    && a.get(index) instanceof JsonObject in ? string(in.get("name")) : null;
        }

        /**
         * The instance's input slot for a subgraph input: by name (newer frontends save only some of the instance's
         * inputs, so indexes differ), else by the same index; -1 when the instance has none.
         */
        private static int instanceInput(JsonObject instance, String name, int index) {
            JsonArray inputs = instance.get("inputs") instanceof JsonArray a ? a : new JsonArray();
            if (name != null) {
                for (int i = 0; i < inputs.size(); i++) {
                    if (inputs.get(i) instanceof JsonObject in && name.equals(string(in.get("name")))) return i;
                }
                return -1;
            }
            return index < inputs.size() ? index : -1;
        }

        /**
         * The instance's own widget value for a subgraph input that is not linked, or null (the inner widget keeps
         * its value): from {@code properties.proxyWidgets} entries {@code ["-1", name]} (newer frontends) aligned
         * with {@code widgets_values}, else from the instance's widget inputs in order (older ones).
         */
        private static JsonElement promotedValue(JsonObject instance, String name, int slot) {
            JsonArray values = instance.get("widgets_values") instanceof JsonArray a ? a : new JsonArray();
            int at = -1;
            if (instance.get("properties") instanceof JsonObject props && props.get("proxyWidgets") instanceof JsonArray proxies) {
                for (int i = 0; i < proxies.size(); i++) {
                    if (proxies.get(i) instanceof JsonArray p && p.size() == 2 && "-1".equals(idOf(p.get(0)))
                            && name != null && name.equals(string(p.get(1)))) {
                        at = i;
                    }
                }
            } else if (slot >= 0 && slotAt(instance, "inputs", slot) != null && slotAt(instance, "inputs", slot).get("widget") instanceof JsonObject) {
                at = 0;
                JsonArray slots = instance.getAsJsonArray("inputs");
                for (int i = 0; i < slot; i++) {
                    if (slots.get(i) instanceof JsonObject s && s.get("widget") instanceof JsonObject) at++;
                }
            }
            return at >= 0 && at < values.size() && !values.get(at).isJsonNull() ? values.get(at) : null;
        }

        /** ExecutableNodeDTO#getBypassSlotIndex: the input a bypassed node's output takes. */
        private static int bypassSlot(JsonObject node, int slot, String type) {
            JsonArray inputs = node.get("inputs") instanceof JsonArray a ? a : new JsonArray();
            JsonObject out = slotAt(node, "outputs", slot);
            String outputType = out == null ? null : string(out.get("type"));
            if (type == null || type.isEmpty() || type.equals("*")) return inputs.size() > slot ? slot : inputs.isEmpty() ? -1 : 0;
            JsonObject opposite = slotAt(node, "inputs", slot);
            if (opposite != null && valid(string(opposite.get("type")), outputType) && valid(string(opposite.get("type")), type)) {
                return slot;
            }
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i) instanceof JsonObject in && type.equals(string(in.get("type")))) return i;
            }
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i) instanceof JsonObject in && valid(string(in.get("type")), outputType)
                        && valid(string(in.get("type")), type)) {
                    return i;
                }
            }
            return -1;
        }

        /** LiteGraph.isValidConnection: empty and "*" match anything; comma lists match any member; case-insensitive. */
        private static boolean valid(String a, String b) {
            if (a == null || b == null || a.isEmpty() || b.isEmpty() || a.equals("*") || b.equals("*")) return true;
            String x = a.toLowerCase(Locale.ROOT);
            String y = b.toLowerCase(Locale.ROOT);
            if (x.equals(y)) return true;
            for (String p : x.split(",")) {
                for (String q : y.split(",")) {
                    if (p.strip().equals(q.strip())) return true;
                }
            }
            return false;
        }

        /**
         * graphToPrompt's last pass (inputs linked to nodes that are not in the prompt, i.e. muted ones, are left
         * out), then the not-installed types: kept where an installed node needs them, else left out.
         */
        private void dropDanglingAndUnknown() {
            Set<String> needed = new HashSet<>();
            Deque<String> todo = new ArrayDeque<>();
            for (String id : prompt.keySet()) {
                if (!unknown.contains(id)) todo.add(id);
            }
            Map<String, String> neededBy = new HashMap<>();
            while (!todo.isEmpty()) {
                String id = todo.pop();
                for (Map.Entry<String, JsonElement> in : prompt.getAsJsonObject(id).getAsJsonObject("inputs").entrySet()) {
                    if (in.getValue() instanceof JsonArray l && l.size() == 2) {
                        String from = l.get(0).getAsString();
                        if (unknown.contains(from) && needed.add(from)) {
                            neededBy.put(from, id);
                            todo.add(from);
                        }
                    }
                }
            }
            for (String id : unknown) {
                String type = prompt.getAsJsonObject(id).get("class_type").getAsString();
                String what = "node " + id + " ('" + unknownTitles.get(id) + "'): no node type '" + type + "' is installed";
                if (type.startsWith("workflow>") || type.startsWith("workflow/")) {
                    what += " (a group node of ComfyUI's older frontend; convert it to a subgraph there)";
                }
                if (needed.contains(id)) {
                    notes.add(what + "; node " + neededBy.get(id) + " needs its output, so the workflow cannot run without it");
                } else {
                    notes.add(what + "; left out, since no other node needs its output");
                    prompt.remove(id);
                }
            }
            for (String id : prompt.keySet()) {
                JsonObject inputs = prompt.getAsJsonObject(id).getAsJsonObject("inputs");
                for (String name : List.copyOf(inputs.keySet())) {
                    if (inputs.get(name) instanceof JsonArray l && l.size() == 2 && !prompt.has(l.get(0).getAsString())) {
                        inputs.remove(name);
                    }
                }
            }
        }

        private void noteOnce(String key, String note) {
            if (notedTypes.add(key)) notes.add(note);
        }
    }

    /** An API value for a widget: arrays are wrapped as {"__value__": [...]} so they do not read as links. */
    private static JsonElement widget(JsonElement v) {
        if (v.isJsonArray()) {
            JsonObject boxed = new JsonObject();
            boxed.add("__value__", v.deepCopy());
            return boxed;
        }
        return v.deepCopy();
    }

    private static JsonArray link(String nodeId, int slot) {
        JsonArray a = new JsonArray();
        a.add(nodeId);
        a.add(slot);
        return a;
    }

    private static JsonObject slotAt(JsonObject node, String list, int index) {
        if (!(node.get(list) instanceof JsonArray a) || index < 0 || index >= a.size()) return null;
        return a.get(index) instanceof JsonObject o ? o : null;
    }

    private static int mode(JsonObject node) {
        return node.get("mode") instanceof JsonPrimitive p && p.isNumber() ? p.getAsInt() : 0;
    }

    private static String name(JsonObject def) {
        String n = string(def.get("name"));
        return n == null ? string(def.get("id")) : n;
    }

    /** A node id as the API writes it: numbers without a fraction, strings as they are; null when absent. */
    private static String idOf(JsonElement e) {
        if (!(e instanceof JsonPrimitive p)) return null;
        if (p.isNumber()) {
            try {
                return new java.math.BigDecimal(p.getAsString()).toBigIntegerExact().toString();
            } catch (ArithmeticException | NumberFormatException ex) {
                return p.getAsString();
            }
        }
        return p.getAsString();
    }

    private static long number(JsonElement e) {
        if (e instanceof JsonPrimitive p && p.isNumber()) {
            try {
                return new BigInteger(idOf(p)).longValueExact();
            } catch (ArithmeticException | NumberFormatException ex) {
                return Long.MIN_VALUE;
            }
        }
        if (e instanceof JsonPrimitive p && p.isString()) {
            try {
                return Long.parseLong(p.getAsString());
            } catch (NumberFormatException ex) {
                return Long.MIN_VALUE;
            }
        }
        return Long.MIN_VALUE;
    }

    private static String string(JsonElement e) {
        return e instanceof JsonPrimitive p && p.isString() ? p.getAsString() : null;
    }

    private static String kind(JsonElement e) {
        if (e == null || e instanceof JsonNull) return "null";
        if (e.isJsonArray()) return "a list";
        if (e.isJsonObject()) return "an object";
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isString() ? "a string" : p.isBoolean() ? "a boolean" : "a number";
    }
}
