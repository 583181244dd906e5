package dev.tessera.layout;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading JSON layout documents with errors that name the format, the JSON path and the instance. Parsing is
 * lenient (single quotes, NaN) because MIGC and HiCo lists are often pasted from Python.
 */
final class JsonInput {

    private static final Pattern GSON_POSITION = Pattern.compile("line (\\d+) column (\\d+)(?: path (\\S+))?");

    private final String format;

    JsonInput(String format) {
        this.format = format;
    }

    JsonElement parse(String text) {
        if (text == null || text.isBlank()) {
            throw error("$", -1, "the text is empty; expected a JSON document");
        }
        try {
            return JsonParser.parseString(text);
        } catch (JsonParseException | IllegalStateException e) {
            String message = String.valueOf(e.getMessage());
            Matcher m = GSON_POSITION.matcher(message);
            String position = m.find()
                    ? "line " + m.group(1) + ", column " + m.group(2) + (m.group(3) != null ? " (" + m.group(3) + ")" : "")
                    : "$";
            String detail = message.replaceAll("\\s*at line \\d+ column \\d+.*", "").replaceAll("\\s*See https?://\\S+", "");
            throw new LayoutParseException(format, position, -1, "not valid JSON: " + detail.strip(), e);
        }
    }

    JsonObject object(JsonElement e, String path, int instance) {
        if (e == null || !e.isJsonObject()) {
            throw error(path, instance, "is " + kind(e) + "; expected an object");
        }
        return e.getAsJsonObject();
    }

    JsonArray array(JsonElement e, String path, int instance) {
        if (e == null || !e.isJsonArray()) {
            throw error(path, instance, "is " + kind(e) + "; expected an array");
        }
        return e.getAsJsonArray();
    }

    String string(JsonElement e, String path, int instance) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw error(path, instance, "is " + kind(e) + "; expected a string");
        }
        return e.getAsString();
    }

    /** The string under {@code key}, or null when the key is absent or null. */
    String optionalString(JsonObject o, String key, String path, int instance) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : string(e, path + "." + key, instance);
    }

    double number(JsonElement e, String path, int instance) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw error(path, instance, "is " + kind(e) + "; expected a number");
        }
        return e.getAsDouble();
    }

    int positiveInt(JsonElement e, String path, int instance) {
        double v = number(e, path, instance);
        if (!(v > 0) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
            throw error(path, instance, "is " + Numbers.format(v) + "; expected a whole number of pixels > 0");
        }
        return (int) v;
    }

    /** Four numbers x1, y1, x2, y2. */
    double[] box(JsonElement e, String path, int instance) {
        JsonArray a = array(e, path, instance);
        if (a.size() != 4) {
            throw error(path, instance, "has " + a.size() + " number(s); expected four: [x1, y1, x2, y2]");
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            v[i] = number(a.get(i), path + "[" + i + "]", instance);
        }
        return v;
    }

    /** The box of {@code instance} from numbers in {@code coordinates}, with the JSON path in errors. */
    Box toBox(Coordinates coordinates, double[] v, String path, int instance) {
        try {
            return coordinates.toBox(instance, v[0], v[1], v[2], v[3]);
        } catch (LayoutParseException e) {
            throw e;
        } catch (InvalidLayoutException e) {
            String prefix = InvalidLayoutException.prefix(instance);
            String m = e.getMessage();
            throw new LayoutParseException(format, path, instance, m.startsWith(prefix) ? m.substring(prefix.length()) : m, e);
        }
    }

    void onlyKeys(JsonObject o, String path, int instance, Set<String> allowed) {
        for (String key : o.keySet()) {
            if (!allowed.contains(key)) {
                throw error(path, instance, "unknown key '" + key + "'; expected one of " + String.join(", ", allowed));
            }
        }
    }

    LayoutParseException error(String path, int instance, String detail) {
        return new LayoutParseException(format, path, instance, detail);
    }

    static String kind(JsonElement e) {
        if (e == null) return "missing";
        if (e.isJsonNull()) return "null";
        if (e.isJsonObject()) return "an object";
        if (e.isJsonArray()) return "an array";
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isString()) return "the string \"" + abbreviate(p.getAsString()) + "\"";
        if (p.isBoolean()) return "a boolean";
        return "the number " + p.getAsString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 30 ? s : s.substring(0, 27) + "...";
    }
}
