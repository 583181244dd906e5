package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.ModelFileList;
import dev.tessera.graph.api.Widget;
import dev.tessera.graph.engine.ValidationProblem;
import java.util.LinkedHashMap;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Checks a literal against an input's widget and converts it to the type nodes receive: INT to {@code Long},
 * FLOAT to {@code Double}, STRING and COMBO to {@code String}, BOOLEAN to {@code Boolean}.
 */
final class LiteralChecker {

    /** Either a converted value or the problem with the literal. */
    record Outcome(Object value, ValidationProblem problem) {
        boolean ok() {
            return problem == null;
        }
    }

    private static final int OPTIONS_SHOWN = 20;

    private final String nodeId;
    private final String classType;

    LiteralChecker(String nodeId, String classType) {
        this.nodeId = nodeId;
        this.classType = classType;
    }

    Outcome check(InputSpec spec, Object literal) {
        Widget widget = spec.widget();
        if (widget == null) {
            return problem(spec, "invalid_input_type", "takes a link to an output of type " + spec.type() + ", got "
                    + describe(literal), literal, Map.of());
        }
        if (widget instanceof Widget.IntWidget w) return checkInt(spec, w, literal);
        if (widget instanceof Widget.FloatWidget w) return checkFloat(spec, w, literal);
        if (widget instanceof Widget.StringWidget) {
            return literal instanceof String s ? new Outcome(s, null)
                    : problem(spec, "invalid_input_type", "expects a string (STRING), got " + describe(literal), literal, Map.of());
        }
        if (widget instanceof Widget.BooleanWidget) {
            return literal instanceof Boolean b ? new Outcome(b, null)
                    : problem(spec, "invalid_input_type", "expects true or false (BOOLEAN), got " + describe(literal), literal, Map.of());
        }
        return checkCombo(spec, (Widget.ComboWidget) widget, literal);
    }

    private Outcome checkInt(InputSpec spec, Widget.IntWidget w, Object literal) {
        Number max = w.maxValue();
        if (literal instanceof Long v) {
            if (v < w.min()) return tooSmall(spec, literal, w.min(), max);
            if (!w.unsigned() && v > w.max()) return tooBig(spec, literal, w.min(), max);
            return new Outcome(v, null);
        }
        if (literal instanceof BigInteger b) {
            // Beyond the long range; up to 2^64-1 only where the widget says so, as the long with those 64 bits.
            if (w.unsigned() && b.signum() > 0 && b.bitLength() <= 64) return new Outcome(b.longValue(), null);
            return b.signum() < 0 ? tooSmall(spec, literal, w.min(), max) : tooBig(spec, literal, w.min(), max);
        }
        if (literal instanceof Double d && !d.isNaN() && d == Math.rint(d)) {
            // Whole but beyond the range the parser keeps exactly (Long, or BigInteger up to 2^64-1).
            return d < 0 ? tooSmall(spec, literal, w.min(), max) : tooBig(spec, literal, w.min(), max);
        }
        return problem(spec, "invalid_input_type", "expects a whole number (INT) in [" + w.min() + ", " + max
                + "], got " + describe(literal), literal, Map.of());
    }

    private Outcome checkFloat(InputSpec spec, Widget.FloatWidget w, Object literal) {
        if (!(literal instanceof Long || literal instanceof Double || literal instanceof BigInteger)) {
            return problem(spec, "invalid_input_type", "expects a number (FLOAT) in [" + w.min() + ", " + w.max()
                    + "], got " + describe(literal), literal, Map.of());
        }
        double v = ((Number) literal).doubleValue();
        if (v < w.min()) return tooSmall(spec, literal, w.min(), w.max());
        if (v > w.max()) return tooBig(spec, literal, w.min(), w.max());
        return new Outcome(v, null);
    }

    private Outcome checkCombo(InputSpec spec, Widget.ComboWidget w, Object literal) {
        List<String> options;
        try {
            options = w.currentOptions();
        } catch (RuntimeException e) {
            return problem(spec, "exception_during_validation", "could not list its options: " + e, literal, Map.of());
        }
        if (!(literal instanceof String s)) {
            return problem(spec, "invalid_input_type", "expects one of its options as a string, got "
                    + describe(literal), literal, Map.of("options", options));
        }
        if (!options.contains(s) && !w.acceptsUnlisted()) {
            String shown = options.isEmpty() ? "there are none"
                    : "expected one of: " + String.join(", ", options.subList(0, Math.min(OPTIONS_SHOWN, options.size())))
                    + (options.size() > OPTIONS_SHOWN ? ", ... (" + options.size() + " in all)" : "");
            // A model listing that left out links leading outside its folder says so: else "none" is a riddle.
            String skipped = ModelFileList.skippedNote(options);
            if (!skipped.isEmpty()) shown += "; " + skipped;
            return problem(spec, "value_not_in_list", "'" + s + "' is not one of its options; " + shown, literal,
                    Map.of("options", options));
        }
        return new Outcome(s, null);
    }

    private Outcome tooSmall(InputSpec spec, Object literal, Object min, Object max) {
        return problem(spec, "value_smaller_than_min", "is " + literal + ", smaller than the minimum " + min
                + " (allowed: " + min + " to " + max + ")", literal, Map.of("min", min));
    }

    private Outcome tooBig(InputSpec spec, Object literal, Object min, Object max) {
        return problem(spec, "value_bigger_than_max", "is " + literal + ", bigger than the maximum " + max
                + " (allowed: " + min + " to " + max + ")", literal, Map.of("max", max));
    }

    private Outcome problem(InputSpec spec, String type, String what, Object literal, Map<String, Object> extra) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("input_name", spec.name());
        info.put("received_value", literal);
        info.putAll(extra);
        String message = "node " + nodeId + " (" + classType + ") input '" + spec.name() + "' " + what;
        return new Outcome(null, new ValidationProblem(nodeId, spec.name(), classType, type, message, spec.name(), info));
    }

    static String describe(Object literal) {
        if (literal == null) return "null";
        if (literal instanceof String s) return "the string \"" + s + "\"";
        if (literal instanceof Boolean b) return "the boolean " + b;
        if (literal instanceof Number n) return "the number " + n;
        if (literal instanceof Map<?, ?>) return "an object";
        if (literal instanceof List<?>) return "an array";
        return literal.toString();
    }
}
