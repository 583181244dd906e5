package dev.tessera.models.llm.grammar;

/**
 * The MIGLoRA paper's layout text as a byte automaton:
 * {@code <layout>(<scap>PHRASE</scap><bbox>(X1, Y1, X2, Y2)</bbox>){1,max}</layout>}, exactly so spelled.
 * A phrase is 1 to {@link #MAX_PHRASE_BYTES} bytes without {@code < > } or control characters, not starting with a
 * space. A coordinate is
 * {@code 0}, {@code 1}, {@code 0.d}, {@code 0.dd}, {@code 0.ddd} or {@code 1.0}..{@code 1.000}; in thousandths
 * x1 and y1 are below 1 and x2 > x1, y2 > y1.
 *
 * <p>Every state this automaton reaches can still be completed (a number prefix is only accepted if some
 * completion fits its bounds), so a decoder that only picks tokens keeping the text in it always ends with a layout
 * that parses. States are immutable values (equal states allow the same tokens, which
 * {@link GrammarConstraint} caches on).
 */
public final class LayoutGrammar {

    /** The longest phrase, in UTF-8 bytes. */
    public static final int MAX_PHRASE_BYTES = 200;

    static final String OPEN = "<layout><scap>";
    static final String AFTER_PHRASE = "</scap><bbox>(";
    static final String SEPARATOR = ", ";
    static final String AFTER_BOX = ")</bbox>";
    static final String NEXT = "<scap>";
    static final String CLOSE = "</layout>";

    /** The tags, which some tokenizers have as special tokens. */
    public static final java.util.Set<String> TAGS = java.util.Set.of("<layout>", "</layout>", "<scap>", "</scap>",
            "<bbox>", "</bbox>");

    enum Phase { OPEN, PHRASE, AFTER_PHRASE, NUMBER, SEPARATOR, AFTER_BOX, NEXT_OR_CLOSE, NEXT, CLOSE, DONE }

    /** Number forms: nothing yet, {@code 0}, {@code 0.} + digits, {@code 1}, {@code 1.} + zeros. */
    static final int EMPTY = 0;
    static final int ZERO = 1;
    static final int ZERO_POINT = 2;
    static final int ONE = 3;
    static final int ONE_POINT = 4;

    /**
     * A position in the grammar.
     *
     * @param phase    where
     * @param at       bytes matched of the current literal, or of the phrase
     * @param done     instances completed
     * @param coord    which coordinate (0..3) in NUMBER and SEPARATOR
     * @param form     number form
     * @param digits   digits after the point
     * @param value    the number so far in thousandths
     * @param x1       the box's x1 in thousandths (once read)
     * @param y1       the box's y1 in thousandths (once read)
     */
    public record State(Phase phase, int at, int done, int coord, int form, int digits, int value, int x1, int y1) {
    }

    private final int maxInstances;

    public LayoutGrammar(int maxInstances) {
        if (maxInstances < 1) {
            throw new IllegalArgumentException("max instances " + maxInstances + " must be at least 1");
        }
        this.maxInstances = maxInstances;
    }

    public int maxInstances() {
        return maxInstances;
    }

    public State start() {
        return new State(Phase.OPEN, 0, 0, 0, EMPTY, 0, 0, 0, 0);
    }

    public boolean accepts(State s) {
        return s.phase() == Phase.DONE;
    }

    /** The state after byte {@code b}, or null when the byte leaves the grammar. */
    public State next(State s, int b) {
        b &= 0xFF;
        switch (s.phase()) {
            case OPEN:
                return literal(s, OPEN, b, Phase.PHRASE);
            case PHRASE:
                if (b == '<') {
                    return s.at() == 0 ? null : with(s, Phase.AFTER_PHRASE, 1);
                }
                // A phrase starts with no space (readers trim it, and a blank one would be empty).
                if (b == '>' || b < 0x20 || b == 0x7F || s.at() >= MAX_PHRASE_BYTES || (b == ' ' && s.at() == 0)) {
                    return null;
                }
                return with(s, Phase.PHRASE, s.at() + 1);
            case AFTER_PHRASE:
                State after = literal(s, AFTER_PHRASE, b, Phase.NUMBER);
                return after == null || after.phase() != Phase.NUMBER ? after
                        : new State(Phase.NUMBER, 0, s.done(), 0, EMPTY, 0, 0, 0, 0);
            case NUMBER:
                return number(s, b);
            case SEPARATOR:
                State sep = literal(s, SEPARATOR, b, Phase.NUMBER);
                return sep == null || sep.phase() != Phase.NUMBER ? sep
                        : new State(Phase.NUMBER, 0, s.done(), s.coord() + 1, EMPTY, 0, 0, s.x1(), s.y1());
            case AFTER_BOX:
                State box = literal(s, AFTER_BOX, b, Phase.NEXT_OR_CLOSE);
                return box == null || box.phase() != Phase.NEXT_OR_CLOSE ? box
                        : new State(Phase.NEXT_OR_CLOSE, 0, s.done() + 1, 0, EMPTY, 0, 0, 0, 0);
            case NEXT_OR_CLOSE:
                if (s.at() == 0) {
                    return b == '<' ? with(s, Phase.NEXT_OR_CLOSE, 1) : null;
                }
                if (b == 's' && s.done() < maxInstances) {
                    return with(s, Phase.NEXT, 2);
                }
                return b == '/' ? with(s, Phase.CLOSE, 2) : null;
            case NEXT:
                State next = literal(s, NEXT, b, Phase.PHRASE);
                return next == null || next.phase() != Phase.PHRASE ? next : with(next, Phase.PHRASE, 0);
            case CLOSE:
                return literal(s, CLOSE, b, Phase.DONE);
            default:
                return null;
        }
    }

    private static State with(State s, Phase phase, int at) {
        return new State(phase, at, s.done(), s.coord(), s.form(), s.digits(), s.value(), s.x1(), s.y1());
    }

    /** Matches byte {@code at} of {@code text}; at its end the state moves to {@code then} (at 0). */
    private static State literal(State s, String text, int b, Phase then) {
        if (text.charAt(s.at()) != b) {
            return null;
        }
        return s.at() + 1 == text.length() ? with(s, then, 0) : with(s, s.phase(), s.at() + 1);
    }

    private State number(State s, int b) {
        if (b == ',' || b == ')') {
            boolean last = s.coord() == 3;
            if ((b == ')') != last || !complete(s) || !fits(s.value(), s.value(), s)) {
                return null;
            }
            int x1 = s.coord() == 0 ? s.value() : s.x1();
            int y1 = s.coord() == 1 ? s.value() : s.y1();
            return new State(last ? Phase.AFTER_BOX : Phase.SEPARATOR, 1, s.done(), s.coord(), EMPTY, 0, 0, x1, y1);
        }
        State n = switch (s.form()) {
            case EMPTY -> b == '0' ? number(s, ZERO, 0, 0) : b == '1' ? number(s, ONE, 0, 1000) : null;
            case ZERO -> b == '.' ? number(s, ZERO_POINT, 0, 0) : null;
            case ZERO_POINT -> b >= '0' && b <= '9' && s.digits() < 3
                    ? number(s, ZERO_POINT, s.digits() + 1, s.value() + (b - '0') * pow10(2 - s.digits())) : null;
            case ONE -> b == '.' ? number(s, ONE_POINT, 0, 1000) : null;
            case ONE_POINT -> b == '0' && s.digits() < 3 ? number(s, ONE_POINT, s.digits() + 1, 1000) : null;
            default -> null;
        };
        if (n == null) {
            return null;
        }
        // Live only if some completion of this prefix lies within the coordinate's bounds.
        int min = n.value();
        int max = switch (n.form()) {
            case ZERO -> 999;
            case ZERO_POINT -> n.value() + pow10(3 - n.digits()) - 1;
            default -> n.value();
        };
        return fits(min, max, n) ? n : null;
    }

    private static State number(State s, int form, int digits, int value) {
        return new State(Phase.NUMBER, 0, s.done(), s.coord(), form, digits, value, s.x1(), s.y1());
    }

    private static boolean complete(State s) {
        return s.form() == ZERO || s.form() == ONE || (s.form() == ZERO_POINT || s.form() == ONE_POINT)
                && s.digits() > 0;
    }

    /** Whether some value in [min, max] satisfies the coordinate's bounds. */
    private static boolean fits(int min, int max, State s) {
        int lo = switch (s.coord()) {
            case 2 -> s.x1() + 1;
            case 3 -> s.y1() + 1;
            default -> 0;
        };
        int hi = s.coord() < 2 ? 999 : 1000;
        return Math.max(min, lo) <= Math.min(max, hi);
    }

    private static int pow10(int n) {
        return n == 0 ? 1 : n == 1 ? 10 : n == 2 ? 100 : 1000;
    }
}
