package dev.tessera.layout.internal.nodes;

import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.layout.InvalidLayoutException;
import dev.tessera.layout.Layout;
import java.util.List;
import java.util.OptionalInt;

/** What the layout nodes share: their category, canvas size inputs, and how layout errors reach the user. */
final class LayoutNodes {

    static final String CATEGORY = "layout";
    static final String LAYOUT = "layout";
    static final String WIDTH = "width";
    static final String HEIGHT = "height";

    /** ComfyUI's MAX_RESOLUTION. */
    static final int MAX_RESOLUTION = 16384;
    /** SD1.5's native size: the canvas when neither the node nor the layout gives one. */
    static final int DEFAULT_SIZE = 512;
    /** Canvas sides step by 8, the SD / FLUX VAE's downsampling factor, as ComfyUI's latent sizes do. */
    static final int STEP = 8;
    /** The smallest canvas side a layout is made for. */
    static final int MIN_SIDE = 64;

    private LayoutNodes() {}

    /** A canvas side in pixels, 64..16384 (LayoutFromText, LayoutFromTokens). */
    static InputSpec side(String name, String tooltip) {
        return InputSpec.integer(name, DEFAULT_SIZE, MIN_SIDE, MAX_RESOLUTION, STEP).withTooltip(tooltip);
    }

    /** A canvas side where 0 means "the layout's size hint, else 512" (LayoutToMasks, LayoutPreview). */
    static InputSpec sideOrHint(String name) {
        return InputSpec.integer(name, 0, 0, MAX_RESOLUTION, STEP).withTooltip(
                "Pixels; 0 takes the layout's own " + name + " (512 when it has none).");
    }

    /** The side to use: {@code requested} unless 0, then the layout's hint, then 512. */
    static int resolveSide(long requested, OptionalInt hint) {
        if (requested > 0) return Math.toIntExact(requested);
        return hint.orElse(DEFAULT_SIZE);
    }

    /**
     * A canvas side input, checked against {@code min}..16384: a linked value (from a primitive node) has not
     * passed the widget's range check.
     */
    static int sideValue(NodeInputs inputs, String name, int min) {
        long value = inputs.getInt(name);
        if (value < min || value > MAX_RESOLUTION) {
            throw NodeException.invalidInput(name, "is " + value + "; expected " + min + ".." + MAX_RESOLUTION
                    + " pixels");
        }
        return (int) value;
    }

    /** The canvas {width, height} for {@code layout} from the node's width and height inputs (0 = the hint). */
    static int[] canvas(NodeInputs inputs, Layout layout) {
        return new int[] {
            resolveSide(sideValue(inputs, WIDTH, 0), layout.width()),
            resolveSide(sideValue(inputs, HEIGHT, 0), layout.height())
        };
    }

    /** A layout problem as an {@code invalid_input} error on {@code input}, keeping the reader's message. */
    static NodeException invalid(String input, InvalidLayoutException e) {
        return new NodeException("invalid_input", input, e.getMessage(), e);
    }

    /** The problem with literal text that must not be blank, or none. */
    static List<InputProblem> notBlank(NodeInputs widgetValues, String input, String expected) {
        if (widgetValues.has(input) && widgetValues.getString(input).isBlank()) {
            return List.of(InputProblem.of(input, "is empty; expected " + expected));
        }
        return List.of();
    }
}
