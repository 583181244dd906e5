package dev.tessera.cli.internal;

import dev.tessera.cli.Arguments;
import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.UsageException;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.Widget;
import dev.tessera.graph.engine.WorkflowEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code tessera nodes [TYPE...]}: the node types installed right now, each with its inputs (type, widget default
 * and range or options, optional or not) and outputs.
 */
@Component(service = Command.class)
public final class NodesCommand implements Command {

    /** Options of a COMBO beyond this many are summarised, so a folder of models does not flood the listing. */
    static final int MAX_OPTIONS = 12;

    private final WorkflowEngine engine;

    @Activate
    public NodesCommand(@Reference(name = "engine") WorkflowEngine engine) {
        this.engine = engine;
    }

    @Override
    public String name() {
        return "nodes";
    }

    @Override
    public String synopsis() {
        return "[TYPE...]";
    }

    @Override
    public String summary() {
        return "List the node types with their inputs and outputs.";
    }

    @Override
    public int execute(List<String> args, CommandIO io) throws UsageException {
        List<String> wanted = Arguments.parse(args, Set.of(), Set.of()).positionals();
        List<NodeDescriptor> types = new ArrayList<>();
        if (wanted.isEmpty()) {
            types.addAll(engine.nodeTypes());
        } else {
            List<String> unknown = new ArrayList<>();
            for (String id : wanted) engine.nodeType(id).ifPresentOrElse(types::add, () -> unknown.add(id));
            if (!unknown.isEmpty()) {
                io.err().println("error: no node type " + String.join(", ", unknown) + "; installed: "
                        + String.join(", ", engine.nodeTypes().stream().map(NodeDescriptor::typeId).toList()));
                return FAILED;
            }
        }
        for (NodeDescriptor type : types) describe(type).forEach(io.out()::println);
        io.out().flush();
        if (wanted.isEmpty()) io.err().println(RunCommand.plural(types.size(), "node type"));
        return OK;
    }

    static List<String> describe(NodeDescriptor type) {
        List<String> lines = new ArrayList<>();
        StringBuilder head = new StringBuilder(type.typeId());
        List<String> about = new ArrayList<>();
        if (!type.displayName().equals(type.typeId())) about.add("\"" + type.displayName() + "\"");
        if (!type.category().isEmpty()) about.add(type.category());
        if (type.outputNode()) about.add("output node");
        if (!about.isEmpty()) head.append("  (").append(String.join(", ", about)).append(')');
        lines.add(head.toString());
        if (!type.description().isEmpty()) lines.add("  " + type.description());
        for (InputSpec in : type.inputs()) lines.add(String.format("  in   %-18s %s", in.name(), input(in)));
        for (OutputSpec out : type.outputs()) {
            lines.add(String.format("  out  %-18s %s%s", out.name(), out.type(), out.isList() ? " (list)" : ""));
        }
        return lines;
    }

    static String input(InputSpec in) {
        StringBuilder sb = new StringBuilder(in.type().name());
        String widget = widget(in.widget());
        if (!widget.isEmpty()) sb.append("  ").append(widget);
        if (in.optional()) sb.append("  (optional)");
        return sb.toString();
    }

    static String widget(Widget widget) {
        if (widget == null) return "";
        if (widget instanceof Widget.IntWidget w) {
            return "default " + w.defaultValue() + ", " + range(Long.toString(w.min()), w.maxValue().toString(),
                    w.min() == -Long.MAX_VALUE, w.max() == Long.MAX_VALUE);
        }
        if (widget instanceof Widget.FloatWidget w) {
            return "default " + w.defaultValue() + ", " + range(Double.toString(w.min()), Double.toString(w.max()),
                    Double.isInfinite(w.min()) || w.min() <= -Double.MAX_VALUE, Double.isInfinite(w.max()) || w.max() >= Double.MAX_VALUE);
        }
        if (widget instanceof Widget.StringWidget w) {
            return "default \"" + w.defaultValue() + "\"" + (w.multiline() ? ", multiline" : "");
        }
        if (widget instanceof Widget.BooleanWidget w) {
            return "default " + w.defaultValue();
        }
        if (widget instanceof Widget.ComboWidget w) {
            return combo(w);
        }
        return "";
    }

    private static String range(String min, String max, boolean noMin, boolean noMax) {
        if (noMin && noMax) return "any";
        if (noMin) return "at most " + max;
        if (noMax) return "at least " + min;
        return min + ".." + max;
    }

    private static String combo(Widget.ComboWidget w) {
        List<String> options;
        try {
            options = w.currentOptions();
        } catch (RuntimeException e) {
            // A listing must not fail because one folder cannot be read; say so in its place.
            return "options unavailable: " + e.getMessage();
        }
        String shown = options.size() <= MAX_OPTIONS ? String.join(" | ", options)
                : String.join(" | ", options.subList(0, MAX_OPTIONS)) + " | ... (" + options.size() + " options)";
        StringBuilder sb = new StringBuilder(options.isEmpty() ? "no options yet" : shown);
        if (w.imageUpload()) sb.append("  (image upload; other names checked by the node)");
        return sb.toString();
    }
}
