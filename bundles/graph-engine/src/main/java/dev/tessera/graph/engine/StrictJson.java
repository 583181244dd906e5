package dev.tessera.graph.engine;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict JSON into a Gson tree without recursion: nesting deeper than a limit and a name given twice in one object
 * are errors (JSON parsers usually keep the last value silently), and messages carry no library hints. Numbers keep
 * the text they were written with.
 */
public final class StrictJson {

    private static final Pattern LINE_COLUMN = Pattern.compile("\\s*at line (\\d+) column (\\d+)( path \\S*)?");
    private static final Pattern STRICTNESS_HINT = Pattern.compile("Use JsonReader\\.setStrictness\\(\\S*\\) to accept malformed JSON");

    private StrictJson() {
    }

    /** Why a text is not the JSON {@link #read} accepts; the message names what and where (line and column). */
    public static final class Problem extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final int line;
        private final int column;
        private final String duplicateName;
        private final int depth;
        private String path = "$";

        Problem(String message, int line, int column) {
            this(message, line, column, null, -1);
        }

        Problem(String message, int line, int column, String duplicateName, int depth) {
            super(message);
            this.line = line;
            this.column = column;
            this.duplicateName = duplicateName;
            this.depth = depth;
        }

        /** The name given twice in one object, or null when that is not the problem. */
        public String duplicateName() {
            return duplicateName;
        }

        /** Where in the document, as Gson's path ({@code $.prompt.3}). */
        public String path() {
            return path;
        }

        /** The depth of the object holding the duplicate name (1 = the top-level object), or -1. */
        public int depth() {
            return depth;
        }

        /** 1-based line, or -1 when unknown. */
        public int line() {
            return line;
        }

        /** 1-based column, or -1 when unknown. */
        public int column() {
            return column;
        }

        /** The message with its position: "..., at line L, column C: what". */
        public String describe() {
            return line > 0 ? "at line " + line + ", column " + column + ": " + getMessage() : getMessage();
        }
    }

    /**
     * Reads one JSON value: no comments, single quotes, unquoted text, NaN or trailing text; objects and arrays
     * nested at most {@code maxDepth} deep (a top-level object is depth 1); each name at most once per object.
     *
     * @throws Problem when the text is not such JSON
     */
    public static JsonElement read(String text, int maxDepth) {
        Deque<JsonElement> open = new ArrayDeque<>();
        Deque<String> names = new ArrayDeque<>();
        JsonElement root = null;
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            do {
                JsonToken token = reader.peek();
                JsonElement value;
                switch (token) {
                    case BEGIN_OBJECT, BEGIN_ARRAY -> {
                        if (open.size() >= maxDepth) {
                            throw problem(reader, "objects and arrays are nested deeper than the limit of " + maxDepth + " levels", 1);
                        }
                        if (token == JsonToken.BEGIN_OBJECT) {
                            reader.beginObject();
                            value = new JsonObject();
                        } else {
                            reader.beginArray();
                            value = new JsonArray();
                        }
                        root = add(open, names, value, root);
                        open.push(value);
                        continue;
                    }
                    case END_OBJECT -> {
                        reader.endObject();
                        open.pop();
                        continue;
                    }
                    case END_ARRAY -> {
                        reader.endArray();
                        open.pop();
                        continue;
                    }
                    case NAME -> {
                        Problem where = problem(reader, "", 1);
                        String name = reader.nextName();
                        if (((JsonObject) open.peek()).has(name)) {
                            where = new Problem("the name \"" + name + "\" appears twice in one object", where.line(), where.column(),
                                    name, open.size());
                            where.path = reader.getPath();
                            throw where;
                        }
                        names.push(name);
                        continue;
                    }
                    case STRING -> value = new JsonPrimitive(reader.nextString());
                    case NUMBER -> value = new JsonPrimitive(new Text(reader.nextString()));
                    case BOOLEAN -> value = new JsonPrimitive(reader.nextBoolean());
                    case NULL -> {
                        reader.nextNull();
                        value = JsonNull.INSTANCE;
                    }
                    default -> throw problem(reader, "the text ends too early", 0);
                }
                root = add(open, names, value, root);
            } while (!open.isEmpty());
            if (reader.peek() != JsonToken.END_DOCUMENT) throw problem(reader, "unexpected text after the JSON value", 1);
            return root;
        } catch (Problem p) {
            throw p;
        } catch (IOException | RuntimeException e) {
            throw fromLibrary(e);
        }
    }

    private static JsonElement add(Deque<JsonElement> open, Deque<String> names, JsonElement value, JsonElement root) {
        JsonElement container = open.peek();
        if (container == null) return value;
        if (container instanceof JsonArray a) a.add(value);
        else ((JsonObject) container).add(names.pop(), value);
        return root;
    }

    /** @param back how many characters the reader has consumed of the token the message is about (after peek: 1) */
    private static Problem problem(JsonReader reader, String message, int back) {
        Matcher m = LINE_COLUMN.matcher(reader.toString());
        return m.find() ? new Problem(message, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)) - back)
                : new Problem(message, -1, -1);
    }

    /** Gson's message without its hints (setStrictness, the troubleshooting link) and with the position apart. */
    private static Problem fromLibrary(Exception e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int see = msg.indexOf("\nSee ");
        if (see >= 0) msg = msg.substring(0, see);
        if (e instanceof java.io.EOFException) msg = msg.replace("End of input", "the text ends too early");
        msg = STRICTNESS_HINT.matcher(msg).replaceAll(
                "unexpected character (strict JSON: no comments, unquoted or single-quoted text, NaN or missing commas)");
        Matcher m = LINE_COLUMN.matcher(msg);
        int line = -1;
        int column = -1;
        if (m.find()) {
            line = Integer.parseInt(m.group(1));
            column = Integer.parseInt(m.group(2));
        }
        String what = LINE_COLUMN.matcher(msg).replaceAll("").strip();
        if (what.isEmpty()) what = "malformed JSON";
        // Gson's sentences start with a capital; here they follow a colon.
        return new Problem(Character.toLowerCase(what.charAt(0)) + what.substring(1), line, column);
    }

    /** A JSON number as written, so that writing the tree again gives the same text. */
    private static final class Text extends Number {

        private static final long serialVersionUID = 1L;

        private final String text;

        Text(String text) {
            this.text = text;
        }

        private BigDecimal decimal() {
            return new BigDecimal(text);
        }

        @Override
        public int intValue() {
            return decimal().intValue();
        }

        @Override
        public long longValue() {
            return decimal().longValue();
        }

        @Override
        public float floatValue() {
            return Float.parseFloat(text);
        }

        @Override
        public double doubleValue() {
            return Double.parseDouble(text);
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Text t && t.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }
    }
}
