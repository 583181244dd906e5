package dev.tessera.layout.internal.nodes;

import static dev.tessera.layout.internal.nodes.LayoutNodes.HEIGHT;
import static dev.tessera.layout.internal.nodes.LayoutNodes.WIDTH;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.layout.Coordinates;
import dev.tessera.layout.InvalidLayoutException;
import dev.tessera.layout.Layout;
import dev.tessera.layout.LayoutTextFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * A LAYOUT from JSON-like text: Tessera JSON, MIGC lists, HiCo / released MIGLoRA lists, ContextGen's
 * {@code segment_info.json}. Literal text is read at validation, so a malformed layout fails before any compute.
 */
@Component(service = NodeType.class)
public final class LayoutFromJsonNode implements NodeType {

    static final String TEXT = "text";
    static final String FORMAT = "format";
    static final String INDEX = "index";
    /** The JSON-like formats; the paper's tokens have their own node. */
    static final List<LayoutTextFormat> FORMATS = List.of(
            LayoutTextFormat.JSON, LayoutTextFormat.MIGC, LayoutTextFormat.HICO, LayoutTextFormat.CONTEXTGEN);
    static final int MAX_INDEX = 1_000_000;

    private final NodeDescriptor descriptor = NodeDescriptor.builder("LayoutFromJSON")
            .displayName("Layout from JSON")
            .category(LayoutNodes.CATEGORY)
            .description("Reads a layout written as Tessera JSON, MIGC lists, HiCo lists or ContextGen"
                    + " segment_info.json.")
            .input(InputSpec.string(TEXT, "", true).withTooltip("The layout text."))
            .input(InputSpec.combo(FORMAT, FORMATS.stream().map(LayoutTextFormat::id).toList()).withTooltip(
                    "json: Tessera JSON; migc: MIGC prompt/bbox lists; hico: HiCo or released MIGLoRA lists;"
                            + " contextgen: ContextGen segment_info.json."))
            .input(InputSpec.integer(INDEX, 0, 0, MAX_INDEX, 1).withTooltip(
                    "Which layout to take when the text holds several (a list), counting from 0."))
            .input(InputSpec.integer(WIDTH, 0, 0, LayoutNodes.MAX_RESOLUTION, LayoutNodes.STEP).withTooltip(
                    "The canvas width the layout is for; 0 keeps the frame the text gives, if any."))
            .input(InputSpec.integer(HEIGHT, 0, 0, LayoutNodes.MAX_RESOLUTION, LayoutNodes.STEP).withTooltip(
                    "The canvas height the layout is for; 0 keeps the frame the text gives, if any."))
            .output("LAYOUT", ValueType.LAYOUT)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        List<InputProblem> problems = new ArrayList<>(sizeProblems(widgetValues));
        List<InputProblem> blank = LayoutNodes.notBlank(widgetValues, TEXT, "a layout in the chosen format");
        problems.addAll(blank);
        if (!blank.isEmpty() || !widgetValues.has(TEXT) || !widgetValues.has(FORMAT)) return problems;
        try {
            List<Layout> layouts = read(widgetValues.getString(TEXT), widgetValues.getString(FORMAT));
            if (widgetValues.has(INDEX)) {
                indexProblem(widgetValues.getInt(INDEX), layouts.size())
                        .ifPresent(m -> problems.add(InputProblem.of(INDEX, m)));
            }
        } catch (InvalidLayoutException e) {
            problems.add(InputProblem.of(TEXT, e.getMessage()));
        }
        return problems;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        List<InputProblem> sizes = sizeProblems(inputs);
        if (!sizes.isEmpty()) throw NodeException.invalidInput(sizes.get(0).input(), sizes.get(0).message());
        String text = inputs.getString(TEXT);
        if (text.isBlank()) throw NodeException.invalidInput(TEXT, "is empty; expected a layout in the chosen format");
        List<Layout> layouts;
        try {
            layouts = read(text, inputs.getString(FORMAT));
        } catch (InvalidLayoutException e) {
            throw LayoutNodes.invalid(TEXT, e);
        }
        long index = inputs.getInt(INDEX);
        Optional<String> badIndex = indexProblem(index, layouts.size());
        if (badIndex.isPresent()) throw NodeException.invalidInput(INDEX, badIndex.get());
        Layout layout = layouts.get((int) index);
        int width = LayoutNodes.sideValue(inputs, WIDTH, 0);
        int height = LayoutNodes.sideValue(inputs, HEIGHT, 0);
        return NodeResult.of(width > 0 ? layout.toBuilder().size(width, height).build() : layout);
    }

    private static List<Layout> read(String text, String formatId) {
        LayoutTextFormat format = FORMATS.stream().filter(f -> f.id().equals(formatId)).findFirst()
                .orElseThrow(() -> NodeException.invalidInput(FORMAT, "is '" + formatId + "'; expected one of "
                        + FORMATS.stream().map(LayoutTextFormat::id).toList()));
        // Only the paper format takes coordinates from outside; the JSON-like formats say their own.
        List<Layout> layouts = format.readAll(text, Coordinates.normalized());
        if (layouts.isEmpty()) {
            throw new InvalidLayoutException(-1, format.id() + " layout: the text is an empty list; expected at least"
                    + " one layout");
        }
        return layouts;
    }

    private static Optional<String> indexProblem(long index, int count) {
        if (index >= 0 && index < count) return Optional.empty();
        return Optional.of("is " + index + " but the text holds " + count + " layout"
                + (count == 1 ? "" : "s") + "; expected 0.." + (count - 1));
    }

    /** Width and height are both 0 (keep the text's frame) or both given; a linked side may be absent here. */
    private static List<InputProblem> sizeProblems(NodeInputs values) {
        if (!values.has(WIDTH) || !values.has(HEIGHT)) return List.of();
        long w = values.getInt(WIDTH);
        long h = values.getInt(HEIGHT);
        if ((w == 0) == (h == 0)) return List.of();
        String zero = w == 0 ? WIDTH : HEIGHT;
        String other = w == 0 ? HEIGHT : WIDTH;
        return List.of(InputProblem.of(zero, "is 0 while " + other + " is " + (w == 0 ? h : w)
                + "; expected both 0 (keep the text's frame) or both given"));
    }
}
