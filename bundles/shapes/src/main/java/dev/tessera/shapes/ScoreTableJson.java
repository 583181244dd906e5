package dev.tessera.shapes;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.util.Map;

/**
 * A {@link ScoreTable} as JSON:
 * {@code {"methods": {"<method>": {"levels": {"2": {"sr": x, "isr": x, "miou": x, "images": n}, ...},
 * "overall": {...}}}}}. Levels are in ascending order, methods in the table's order; a share of no images or
 * instances (NaN) is written as null.
 */
public final class ScoreTableJson {

    private ScoreTableJson() {}

    public static String write(ScoreTable table) {
        JsonObject methods = new JsonObject();
        for (String method : table.methods()) {
            JsonObject levels = new JsonObject();
            for (Map.Entry<Integer, ScoreTable.Metrics> e : table.levels(method).entrySet()) {
                levels.add(Integer.toString(e.getKey()), metrics(e.getValue()));
            }
            JsonObject m = new JsonObject();
            m.add("levels", levels);
            m.add("overall", metrics(table.overall(method)));
            methods.add(method, m);
        }
        JsonObject root = new JsonObject();
        root.add("methods", methods);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(root);
    }

    private static JsonObject metrics(ScoreTable.Metrics m) {
        JsonObject o = new JsonObject();
        o.addProperty("sr", finite(m.sr()));
        o.addProperty("isr", finite(m.isr()));
        o.addProperty("miou", finite(m.miou()));
        o.addProperty("images", m.images());
        return o;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
