package dev.tessera.graph.api;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One input of a node type. An input with a widget takes a literal (or a link of its type); an input without one
 * takes only a link.
 *
 * @param name     the key in the workflow's {@code inputs} object
 * @param type     the value type a link into it must carry
 * @param optional whether a workflow may leave it out (a widget input left out takes its default)
 * @param widget   how a literal is entered and its allowed range, or null for link-only inputs
 * @param tooltip  a sentence for the editor, or empty
 */
public record InputSpec(String name, ValueType type, boolean optional, Widget widget, String tooltip) {

    public InputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        tooltip = tooltip == null ? "" : tooltip;
        if (name.isBlank()) throw new IllegalArgumentException("input name must not be blank");
        if (type.equals(ValueType.COMBO) != (widget instanceof Widget.ComboWidget)) {
            throw new IllegalArgumentException("input '" + name + "': COMBO type goes with a ComboWidget and only with it");
        }
    }

    public boolean hasWidget() {
        return widget != null;
    }

    public InputSpec asOptional() {
        return new InputSpec(name, type, true, widget, tooltip);
    }

    public InputSpec withTooltip(String text) {
        return new InputSpec(name, type, optional, widget, text);
    }

    public static InputSpec link(String name, ValueType type) {
        return new InputSpec(name, type, false, null, "");
    }

    public static InputSpec integer(String name, long defaultValue, long min, long max, long step) {
        return new InputSpec(name, ValueType.INT, false, new Widget.IntWidget(defaultValue, min, max, step), "");
    }

    public static InputSpec decimal(String name, double defaultValue, double min, double max, double step, double round) {
        return new InputSpec(name, ValueType.FLOAT, false, new Widget.FloatWidget(defaultValue, min, max, step, round), "");
    }

    public static InputSpec string(String name, String defaultValue, boolean multiline) {
        return new InputSpec(name, ValueType.STRING, false, new Widget.StringWidget(defaultValue, multiline), "");
    }

    public static InputSpec bool(String name, boolean defaultValue) {
        return new InputSpec(name, ValueType.BOOLEAN, false, new Widget.BooleanWidget(defaultValue), "");
    }

    public static InputSpec combo(String name, List<String> options) {
        return new InputSpec(name, ValueType.COMBO, false, Widget.ComboWidget.of(options), "");
    }

    /**
     * An image file chosen from {@code options} or uploaded by the editor (ComfyUI's {@code image_upload}); values
     * outside the list reach the node's own validation.
     */
    public static InputSpec imageUpload(String name, Supplier<List<String>> options) {
        return new InputSpec(name, ValueType.COMBO, false, new Widget.ComboWidget(options, null).withImageUpload(), "");
    }

    /** A choice whose options are read again each time, e.g. the files in a models folder. */
    public static InputSpec combo(String name, Supplier<List<String>> options, String defaultValue) {
        return new InputSpec(name, ValueType.COMBO, false, new Widget.ComboWidget(options, defaultValue), "");
    }
}
