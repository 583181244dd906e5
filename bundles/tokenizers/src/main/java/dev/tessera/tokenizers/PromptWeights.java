package dev.tessera.tokenizers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * ComfyUI's prompt weighting syntax ({@code comfy/sd1_clip.py}: {@code token_weights}), reproduced exactly:
 * <ul>
 *   <li>{@code (text)} multiplies the weight of {@code text} by 1.1; nesting multiplies again:
 *       {@code ((text))} = 1.1 × 1.1;</li>
 *   <li>{@code (text:1.3)} sets the weight to 1.3 (it replaces the enclosing weight, it does not multiply it);
 *       the number is what follows the last {@code ':'} inside the parentheses; if it is not a number the colon
 *       stays part of the text and the group weighs 1.1;</li>
 *   <li>{@code \(} and {@code \)} are literal parentheses;</li>
 *   <li>unbalanced parentheses are text: an unclosed {@code (} starts a segment that is kept with its
 *       {@code (}; a stray {@code )} and every parenthesis after it stay in the text;</li>
 *   <li>square brackets have no meaning (ComfyUI has no {@code [text]} de-emphasis): they are text.</li>
 * </ul>
 * Weights are computed in double precision, as Python does, and narrowed to float by the callers.
 */
public final class PromptWeights {

    /** A piece of prompt text and its weight. */
    public record WeightedText(String text, double weight) {}

    /** ComfyUI's escape placeholders: a NUL followed by 1 for {@code \)} and 2 for {@code \(}. */
    private static final String ESCAPED_CLOSE = "\0\1";
    private static final String ESCAPED_OPEN = "\0\2";

    private static final double EMPHASIS = 1.1;

    /** Python's float() literal: digits with single underscores between them, optional fraction and exponent. */
    private static final String DIGITS = "\\d(?:_?\\d)*";
    private static final Pattern PYTHON_FLOAT = Pattern.compile(
            "[+-]?(?:" + DIGITS + "(?:\\.(?:" + DIGITS + ")?)?|\\." + DIGITS + ")(?:[eE][+-]?" + DIGITS + ")?");
    private static final Pattern PYTHON_NON_FINITE = Pattern.compile("[+-]?(?:inf|infinity|nan)");

    private PromptWeights() {}

    /** The weighted pieces of {@code prompt}, in order; texts keep their spaces. */
    public static List<WeightedText> parse(String prompt) {
        List<WeightedText> escaped = new ArrayList<>();
        weigh(escape(prompt), 1.0, escaped);
        List<WeightedText> result = new ArrayList<>(escaped.size());
        for (WeightedText piece : escaped) {
            result.add(new WeightedText(unescape(piece.text()), piece.weight()));
        }
        return result;
    }

    /**
     * ComfyUI's recursion over nested groups, with an explicit stack of (parts, weight) so that deeply nested
     * parentheses cannot overflow the thread's stack.
     */
    private static void weigh(String text, double weight, List<WeightedText> out) {
        record Level(Iterator<String> parts, double weight) {}
        Deque<Level> stack = new ArrayDeque<>();
        stack.push(new Level(splitTopLevel(text).iterator(), weight));
        while (!stack.isEmpty()) {
            Level level = stack.peek();
            if (!level.parts().hasNext()) {
                stack.pop();
                continue;
            }
            String part = level.parts().next();
            double current = level.weight();
            if (part.length() >= 2 && part.charAt(0) == '(' && part.charAt(part.length() - 1) == ')') {
                String inner = part.substring(1, part.length() - 1);
                double inside = current * EMPHASIS;
                int colon = inner.lastIndexOf(':');
                if (colon > 0) {
                    OptionalDouble explicit = parseWeight(inner.substring(colon + 1), part);
                    if (explicit.isPresent()) {
                        inside = explicit.getAsDouble();
                        inner = inner.substring(0, colon);
                    }
                }
                stack.push(new Level(splitTopLevel(inner).iterator(), inside));
            } else {
                out.add(new WeightedText(part, current));
            }
        }
    }

    /**
     * ComfyUI's {@code parse_parentheses}: splits at top-level parenthesised groups. The nesting level is not
     * clamped at zero, so after a stray {@code ')'} no later parenthesis opens or closes a group.
     */
    private static List<String> splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int nesting = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                if (nesting == 0) {
                    if (current.length() > 0) {
                        parts.add(current.toString());
                    }
                    current.setLength(0);
                }
                current.append(c);
                nesting++;
            } else if (c == ')') {
                nesting--;
                current.append(c);
                if (nesting == 0) {
                    parts.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            parts.add(current.toString());
        }
        return parts;
    }

    /** The weight after a colon if Python's float() would read it; non-finite weights are refused. */
    private static OptionalDouble parseWeight(String candidate, String group) {
        String stripped = candidate.strip();
        if (PYTHON_FLOAT.matcher(stripped).matches()) {
            return OptionalDouble.of(Double.parseDouble(stripped.replace("_", "")));
        }
        if (PYTHON_NON_FINITE.matcher(stripped.toLowerCase(Locale.ROOT)).matches()) {
            throw new IllegalArgumentException("prompt weight '" + stripped + "' in '" + unescape(group)
                    + "' is not a finite number; write a weight such as (text:1.2)");
        }
        return OptionalDouble.empty();
    }

    private static String escape(String text) {
        return text.replace("\\)", ESCAPED_CLOSE).replace("\\(", ESCAPED_OPEN);
    }

    private static String unescape(String text) {
        return text.replace(ESCAPED_CLOSE, ")").replace(ESCAPED_OPEN, "(");
    }
}
