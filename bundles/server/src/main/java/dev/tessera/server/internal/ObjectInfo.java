package dev.tessera.server.internal;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.Widget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ComfyUI's {@code /object_info} entry for a node descriptor: {@code input.required / input.optional} as
 * {@code name -> [TYPE or option list, {default, min, max, ...}]}, {@code input_order}, {@code output},
 * {@code output_is_list}, {@code output_name}, {@code name}, {@code display_name}, {@code description},
 * {@code category}, {@code output_node} and, when any output has one, {@code output_tooltips}. COMBO options are read
 * now, so a list that follows a folder is current.
 */
public final class ObjectInfo {

    private static final System.Logger LOG = System.getLogger(ObjectInfo.class.getName());

    private ObjectInfo() {
    }

    /**
     * Every descriptor by type id. A node type whose options cannot be read is left out (and logged) rather than
     * breaking the editor's node list.
     */
    public static Map<String, Object> all(List<NodeDescriptor> descriptors) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (NodeDescriptor d : descriptors) {
            try {
                out.put(d.typeId(), describe(d));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "object_info leaves out node type '" + d.typeId() + "': " + e);
            }
        }
        return out;
    }

    public static Map<String, Object> describe(NodeDescriptor d) {
        Map<String, Object> required = new LinkedHashMap<>();
        Map<String, Object> optional = new LinkedHashMap<>();
        for (InputSpec in : d.inputs()) {
            (in.optional() ? optional : required).put(in.name(), input(d, in));
        }
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("required", required);
        if (!optional.isEmpty()) input.put("optional", optional);
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("required", List.copyOf(required.keySet()));
        if (!optional.isEmpty()) order.put("optional", List.copyOf(optional.keySet()));

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("input", input);
        info.put("input_order", order);
        info.put("output", d.outputs().stream().map(o -> o.type().name()).toList());
        info.put("output_is_list", d.outputs().stream().map(OutputSpec::isList).toList());
        info.put("output_name", d.outputs().stream().map(OutputSpec::name).toList());
        info.put("name", d.typeId());
        info.put("display_name", d.displayName());
        info.put("description", d.description());
        info.put("category", d.category());
        info.put("output_node", d.outputNode());
        if (d.outputs().stream().anyMatch(o -> !o.tooltip().isEmpty())) {
            info.put("output_tooltips", d.outputs().stream().map(OutputSpec::tooltip).toList());
        }
        return info;
    }

    private static List<Object> input(NodeDescriptor d, InputSpec in) {
        Map<String, Object> options = new LinkedHashMap<>();
        Object type = in.type().name();
        Widget w = in.widget();
        if (w instanceof Widget.IntWidget i) {
            options.put("default", i.defaultValue());
            options.put("min", i.min());
            options.put("max", i.maxValue());
            options.put("step", i.step());
            // ComfyUI declares its seeds so; editors then offer fixed / increment / decrement / randomize.
            if (i.unsigned()) options.put("control_after_generate", true);
        } else if (w instanceof Widget.FloatWidget f) {
            options.put("default", f.defaultValue());
            putFinite(options, "min", f.min());
            putFinite(options, "max", f.max());
            options.put("step", f.step());
            options.put("round", f.round());
        } else if (w instanceof Widget.StringWidget s) {
            options.put("default", s.defaultValue());
            options.put("multiline", s.multiline());
        } else if (w instanceof Widget.BooleanWidget b) {
            options.put("default", b.defaultValue());
        } else if (w instanceof Widget.ComboWidget c) {
            List<String> now;
            try {
                now = c.currentOptions();
            } catch (RuntimeException e) {
                throw new IllegalStateException("the options of input '" + in.name() + "' of " + d.typeId()
                        + " could not be read: " + e.getMessage(), e);
            }
            type = new ArrayList<>(now);
            if (c.defaultValue() != null && c.currentDefault() != null) options.put("default", c.currentDefault());
            if (c.imageUpload()) options.put("image_upload", true);
        }
        if (!in.tooltip().isEmpty()) options.put("tooltip", in.tooltip());
        List<Object> entry = new ArrayList<>(2);
        entry.add(type);
        if (!options.isEmpty()) entry.add(options);
        return entry;
    }

    /** JSON has no infinity: an unbounded side is left out, as ComfyUI clients treat a missing bound. */
    private static void putFinite(Map<String, Object> options, String key, double v) {
        if (Double.isFinite(v)) options.put(key, v);
    }
}
