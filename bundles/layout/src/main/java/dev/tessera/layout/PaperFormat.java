package dev.tessera.layout;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MIGLoRA paper's layout tokens (section 3.2): {@code <layout><scap>sub-caption</scap><bbox>(x1, y1, x2,
 * y2)</bbox>...</layout>}, one {@code <scap>} followed by one {@code <bbox>} per instance. Text before
 * {@code <layout>} is the global caption.
 *
 * <p>Reading is tolerant of spacing and case in and around the tags; the numbers may sit in {@code ( )},
 * {@code [ ]} or nothing, separated by commas or spaces. The numbers are pixels or normalised as the caller says
 * ({@link Coordinates}); they are never guessed. Phrases and the caption may carry {@code &lt; &gt; &amp;}, which the
 * writer uses for {@code < > &}.
 */
public final class PaperFormat {

    /** The format name in errors and {@link LayoutSource}. */
    public static final String ID = "paper";

    private static final Pattern LAYOUT_OPEN = tag("layout", false);
    private static final Pattern LAYOUT_CLOSE = tag("layout", true);
    private static final Pattern SCAP_OPEN = tag("scap", false);
    private static final Pattern SCAP_CLOSE = tag("scap", true);
    private static final Pattern BBOX_OPEN = tag("bbox", false);
    private static final Pattern BBOX_CLOSE = tag("bbox", true);
    private static final Pattern NUMBER = Pattern.compile(
            "[-+]?(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|nan|inf(?:inity)?)", Pattern.CASE_INSENSITIVE);

    private PaperFormat() {}

    /** Reads one layout whose box numbers are in {@code coordinates}. */
    public static Layout read(String text, Coordinates coordinates) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(coordinates, "coordinates");
        Matcher open = LAYOUT_OPEN.matcher(text);
        if (!open.find()) {
            throw error(text, text.length(), -1, "no <layout> element; expected <layout><scap>...</scap>"
                    + "<bbox>(x1, y1, x2, y2)</bbox>...</layout>");
        }
        Matcher close = LAYOUT_CLOSE.matcher(text);
        if (!close.find(open.end())) {
            throw error(text, text.length(), -1, "<layout> at " + TextPosition.of(text, open.start())
                    + " is not closed; expected </layout>");
        }
        Matcher again = LAYOUT_OPEN.matcher(text);
        if (again.find(open.end())) {
            throw error(text, again.start(), -1, "a second <layout>; expected one layout per text");
        }
        int after = skipSpace(text, close.end());
        if (after < text.length()) {
            throw error(text, after, -1, "text after </layout>; expected nothing but spaces");
        }
        Layout.Builder layout = Layout.builder(unescape(text.substring(0, open.start())))
                .source(new LayoutSource(ID, coordinates.convention()));
        if (coordinates.convention() == CoordinateConvention.PIXEL) {
            layout.size(coordinates.width(), coordinates.height());
        }
        readInstances(text, open.end(), close.start(), coordinates, layout);
        return layout.build();
    }

    /** Writes {@code layout} with normalised numbers. */
    public static String write(Layout layout) {
        return write(layout, Coordinates.normalized());
    }

    /** Writes {@code layout} with numbers in {@code coordinates}. */
    public static String write(Layout layout, Coordinates coordinates) {
        StringBuilder s = new StringBuilder();
        if (!layout.caption().isEmpty()) {
            s.append(escape(layout.caption())).append(' ');
        }
        s.append("<layout>");
        for (Instance instance : layout.instances()) {
            double[] v = coordinates.fromBox(instance.box());
            s.append("<scap>").append(escape(instance.phrase())).append("</scap><bbox>(")
                    .append(Numbers.format(v[0])).append(", ").append(Numbers.format(v[1])).append(", ")
                    .append(Numbers.format(v[2])).append(", ").append(Numbers.format(v[3])).append(")</bbox>");
        }
        return s.append("</layout>").toString();
    }

    private static void readInstances(String text, int from, int to, Coordinates coordinates, Layout.Builder layout) {
        int at = from;
        while (true) {
            at = skipSpace(text, at);
            if (at >= to) {
                return;
            }
            int index = layout.count();
            Matcher scap = SCAP_OPEN.matcher(text).region(at, to);
            if (!scap.lookingAt()) {
                throw error(text, at, index, "expected <scap> or </layout>, found '" + snippet(text, at, to) + "'");
            }
            Matcher scapClose = SCAP_CLOSE.matcher(text).region(scap.end(), to);
            if (!scapClose.find()) {
                throw error(text, scap.end(), index, "<scap> is not closed; expected </scap>");
            }
            String phrase = unescape(text.substring(scap.end(), scapClose.start()));
            if (phrase.isEmpty()) {
                throw error(text, scap.end(), index, "the sub-caption is empty; expected a description");
            }
            at = skipSpace(text, scapClose.end());
            Matcher bbox = BBOX_OPEN.matcher(text).region(at, to);
            if (!bbox.lookingAt()) {
                throw error(text, at, index, "expected <bbox> after </scap>, found '" + snippet(text, at, to) + "'");
            }
            Matcher bboxClose = BBOX_CLOSE.matcher(text).region(bbox.end(), to);
            if (!bboxClose.find()) {
                throw error(text, bbox.end(), index, "<bbox> is not closed; expected </bbox>");
            }
            double[] v = numbers(text, bbox.end(), bboxClose.start(), index);
            try {
                layout.add(phrase, coordinates.toBox(index, v[0], v[1], v[2], v[3]));
            } catch (InvalidLayoutException e) {
                throw new LayoutParseException(ID, TextPosition.of(text, bbox.end()), index,
                        stripPrefix(e.getMessage(), index), e);
            }
            at = bboxClose.end();
        }
    }

    /** The four numbers of a {@code <bbox>}, in brackets or not, separated by commas or spaces. */
    private static double[] numbers(String text, int from, int to, int index) {
        int start = skipSpace(text, from);
        int end = to;
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) end--;
        if (start < end && (text.charAt(start) == '(' || text.charAt(start) == '[')) {
            char closing = text.charAt(start) == '(' ? ')' : ']';
            if (text.charAt(end - 1) != closing) {
                throw error(text, end, index, "'" + text.charAt(start) + "' is not closed; expected '" + closing
                        + "' before </bbox>");
            }
            start++;
            end--;
        }
        double[] v = new double[4];
        int count = 0;
        int at = start;
        boolean needSeparator = false;
        while (true) {
            int skipped = skipSpace(text, at);
            boolean sawSpace = skipped > at;
            at = skipped;
            if (at >= end) break;
            if (text.charAt(at) == ',') {
                if (!needSeparator) {
                    throw error(text, at, index, "unexpected ','; expected a number");
                }
                needSeparator = false;
                at++;
                continue;
            }
            if (needSeparator && !sawSpace) {
                throw error(text, at, index, "expected ',' or a space between numbers");
            }
            Matcher m = NUMBER.matcher(text).region(at, end);
            if (!m.lookingAt()) {
                throw error(text, at, index, "expected a number (x1, y1, x2, y2), found '" + snippet(text, at, end)
                        + "'");
            }
            if (count == 4) {
                throw error(text, at, index, "more than four numbers; expected (x1, y1, x2, y2)");
            }
            v[count++] = parse(m.group());
            needSeparator = true;
            at = m.end();
        }
        if (count != 4) {
            throw error(text, from, index, count + " number(s) in <bbox>; expected four: (x1, y1, x2, y2)");
        }
        return v;
    }

    private static double parse(String number) {
        String n = number.toLowerCase();
        if (n.contains("nan")) return Double.NaN;
        if (n.contains("inf")) return n.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        return Double.parseDouble(number);
    }

    private static Pattern tag(String name, boolean closing) {
        return Pattern.compile("<\\s*" + (closing ? "/\\s*" : "") + name + "\\s*>", Pattern.CASE_INSENSITIVE);
    }

    private static int skipSpace(String text, int at) {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
        return at;
    }

    private static String snippet(String text, int at, int to) {
        String s = text.substring(at, Math.min(to, at + 20));
        return s.length() < to - at ? s + "..." : s;
    }

    private static LayoutParseException error(String text, int offset, int index, String detail) {
        return new LayoutParseException(ID, TextPosition.of(text, offset), index, detail);
    }

    private static String stripPrefix(String message, int index) {
        String prefix = InvalidLayoutException.prefix(index);
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String unescape(String s) {
        return s.strip().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
