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
import dev.tessera.layout.PaperFormat;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * A LAYOUT from the MIGLoRA paper's tokens, {@code caption <layout><scap>phrase</scap><bbox>(x1, y1, x2,
 * y2)</bbox>...</layout>}, with the numbers normalised or in pixels of the width x height canvas. Literal text is
 * read at validation, so a malformed layout fails before any compute.
 */
@Component(service = NodeType.class)
public final class LayoutFromTokensNode implements NodeType {

    static final String TEXT = "text";
    static final String COORDINATES = "coordinates";
    static final String NORMALIZED = "normalized";
    static final String PIXELS = "pixels";

    private final NodeDescriptor descriptor = NodeDescriptor.builder("LayoutFromTokens")
            .displayName("Layout from Tokens")
            .category(LayoutNodes.CATEGORY)
            .description("Reads the MIGLoRA paper's layout tokens: caption <layout><scap>phrase</scap>"
                    + "<bbox>(x1, y1, x2, y2)</bbox>...</layout>.")
            .input(InputSpec.string(TEXT, "", true).withTooltip(
                    "e.g. a cat and a dog <layout><scap>a cat</scap><bbox>(0.1, 0.2, 0.45, 0.9)</bbox>"
                            + "<scap>a dog</scap><bbox>(0.55, 0.2, 0.9, 0.9)</bbox></layout>"))
            .input(InputSpec.combo(COORDINATES, List.of(NORMALIZED, PIXELS)).withTooltip(
                    "normalized: fractions of the canvas, 0..1; pixels: pixels of the width x height canvas."))
            .input(LayoutNodes.side(WIDTH, "The canvas width in pixels (the frame of pixel boxes)."))
            .input(LayoutNodes.side(HEIGHT, "The canvas height in pixels (the frame of pixel boxes)."))
            .output("LAYOUT", ValueType.LAYOUT)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        List<InputProblem> blank = LayoutNodes.notBlank(widgetValues, TEXT, "layout tokens <layout>...</layout>");
        if (!blank.isEmpty() || !widgetValues.has(TEXT) || !widgetValues.has(COORDINATES)) return blank;
        String convention = widgetValues.getString(COORDINATES);
        boolean frameKnown = widgetValues.has(WIDTH) && widgetValues.has(HEIGHT);
        if (PIXELS.equals(convention) && !frameKnown) return List.of(); // a linked side: read when it arrives
        try {
            read(widgetValues.getString(TEXT), convention, frame(widgetValues, frameKnown));
            return List.of();
        } catch (InvalidLayoutException e) {
            return List.of(InputProblem.of(TEXT, e.getMessage()));
        }
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        String text = inputs.getString(TEXT);
        if (text.isBlank()) throw NodeException.invalidInput(TEXT, "is empty; expected layout tokens <layout>...</layout>");
        int[] frame = {LayoutNodes.sideValue(inputs, WIDTH, LayoutNodes.MIN_SIDE),
            LayoutNodes.sideValue(inputs, HEIGHT, LayoutNodes.MIN_SIDE)};
        try {
            Layout layout = read(text, inputs.getString(COORDINATES), frame);
            return NodeResult.of(layout.toBuilder().size(frame[0], frame[1]).build());
        } catch (InvalidLayoutException e) {
            throw LayoutNodes.invalid(TEXT, e);
        }
    }

    private static int[] frame(NodeInputs values, boolean known) {
        return known ? new int[] {(int) values.getInt(WIDTH), (int) values.getInt(HEIGHT)} : new int[] {0, 0};
    }

    private static Layout read(String text, String convention, int[] frame) {
        Coordinates coordinates = switch (convention) {
            case NORMALIZED -> Coordinates.normalized();
            case PIXELS -> Coordinates.pixels(frame[0], frame[1]);
            default -> throw NodeException.invalidInput(COORDINATES, "is '" + convention + "'; expected "
                    + NORMALIZED + " or " + PIXELS);
        };
        return PaperFormat.read(text, coordinates);
    }
}
