package dev.tessera.layout;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tessera's JSON layout:
 *
 * <pre>{@code
 * {"caption": "a red apple left of a blue cup",
 *  "width": 512, "height": 512,           // canvas hint; required when coordinates is "pixel"
 *  "coordinates": "normalized",           // or "pixel"; normalized when absent
 *  "layout_image": "layout.png",          // optional
 *  "instances": [
 *    {"phrase": "a red apple", "box": [0.05, 0.3, 0.45, 0.7],
 *     "label": "apple", "mask": "apple_mask.png", "reference": "apple.png"}   // last three optional
 *  ]}
 * }</pre>
 *
 * {@code bbox} is accepted for {@code box}, {@code normalised}/{@code pixels} for the convention names. Unknown
 * keys are errors, so a misspelt key does not silently drop data. A top-level array holds several layouts
 * ({@link #readAll}).
 */
public final class JsonLayoutFormat {

    public static final String ID = "json";

    private static final Set<String> LAYOUT_KEYS = new LinkedHashSet<>(
            List.of("caption", "width", "height", "coordinates", "layout_image", "instances"));
    private static final Set<String> INSTANCE_KEYS = new LinkedHashSet<>(
            List.of("phrase", "box", "bbox", "label", "mask", "reference"));

    private JsonLayoutFormat() {}

    /** Reads one layout object. */
    public static Layout read(String text) {
        return read(text, true);
    }

    /**
     * Reads one layout object; with {@code clip} false a box reaching outside the canvas is an error instead of
     * being clipped (datasets: a box outside its image is a labelling mistake, not something to repair).
     */
    static Layout read(String text, boolean clip) {
        JsonInput in = new JsonInput(ID);
        JsonElement root = in.parse(text);
        if (root.isJsonArray()) {
            throw in.error("$", -1, "is an array; expected one layout object (readAll reads arrays)");
        }
        return layout(in, root, "$", clip);
    }

    /** Reads a layout object, or an array of them. */
    public static List<Layout> readAll(String text) {
        JsonInput in = new JsonInput(ID);
        JsonElement root = in.parse(text);
        List<Layout> layouts = new ArrayList<>();
        if (root.isJsonArray()) {
            JsonArray all = root.getAsJsonArray();
            for (int i = 0; i < all.size(); i++) {
                layouts.add(layout(in, all.get(i), "$[" + i + "]", true));
            }
        } else {
            layouts.add(layout(in, root, "$", true));
        }
        return layouts;
    }

    /**
     * Writes {@code layout} with normalised boxes. Masks, references and the layout image are written when they
     * are files; a graph value has no text form, so a layout holding one is an error here.
     */
    public static String write(Layout layout) {
        return write(layout, Coordinates.normalized());
    }

    /**
     * Writes {@code layout} with boxes in {@code coordinates}. Pixel coordinates write their frame as the width
     * and height; a layout whose size hint is another size is an error (the hint and the frame are one key pair).
     */
    public static String write(Layout layout, Coordinates coordinates) {
        boolean pixel = coordinates.convention() == CoordinateConvention.PIXEL;
        if (pixel && layout.width().isPresent() && (layout.width().getAsInt() != coordinates.width()
                || layout.height().getAsInt() != coordinates.height())) {
            throw new InvalidLayoutException(-1, "the layout's size hint " + layout.width().getAsInt() + "x"
                    + layout.height().getAsInt() + " differs from the pixel frame " + coordinates.width() + "x"
                    + coordinates.height() + "; expected the same size");
        }
        JsonObject o = new JsonObject();
        o.addProperty("caption", layout.caption());
        if (pixel) {
            o.addProperty("width", coordinates.width());
            o.addProperty("height", coordinates.height());
        } else if (layout.width().isPresent()) {
            o.addProperty("width", layout.width().getAsInt());
            o.addProperty("height", layout.height().getAsInt());
        }
        o.addProperty("coordinates", pixel ? "pixel" : "normalized");
        layout.layoutImage().ifPresent(s -> o.addProperty("layout_image", path(s, -1, "layout_image")));
        JsonArray instances = new JsonArray();
        for (int i = 0; i < layout.size(); i++) {
            Instance instance = layout.instance(i);
            JsonObject j = new JsonObject();
            j.addProperty("phrase", instance.phrase());
            JsonArray box = new JsonArray();
            for (double v : coordinates.fromBox(instance.box())) box.add(Numbers.decimal(v));
            j.add("box", box);
            final int index = i;
            instance.label().ifPresent(l -> j.addProperty("label", l));
            instance.mask().ifPresent(m -> j.addProperty("mask", path(m, index, "mask")));
            instance.reference().ifPresent(r -> j.addProperty("reference", path(r, index, "reference")));
            instances.add(j);
        }
        o.add("instances", instances);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o);
    }

    private static Layout layout(JsonInput in, JsonElement element, String path, boolean clip) {
        JsonObject o = in.object(element, path, -1);
        in.onlyKeys(o, path, -1, LAYOUT_KEYS);
        String caption = o.has("caption") && !o.get("caption").isJsonNull()
                ? in.string(o.get("caption"), path + ".caption", -1) : "";
        boolean hasWidth = o.has("width") && !o.get("width").isJsonNull();
        boolean hasHeight = o.has("height") && !o.get("height").isJsonNull();
        if (hasWidth != hasHeight) {
            throw in.error(path, -1, "has " + (hasWidth ? "width but no height" : "height but no width")
                    + "; expected both or neither");
        }
        int width = hasWidth ? in.positiveInt(o.get("width"), path + ".width", -1) : 0;
        int height = hasHeight ? in.positiveInt(o.get("height"), path + ".height", -1) : 0;
        Coordinates coordinates = coordinates(in, o, path, width, height);
        Layout.Builder layout = Layout.builder(caption).source(new LayoutSource(ID, coordinates.convention()));
        if (width > 0) layout.size(width, height);
        String layoutImage = in.optionalString(o, "layout_image", path, -1);
        if (layoutImage != null) layout.layoutImage(file(in, layoutImage, path + ".layout_image", -1));
        if (!o.has("instances")) {
            throw in.error(path, -1, "has no 'instances'; expected an array of {phrase, box}");
        }
        JsonArray instances = in.array(o.get("instances"), path + ".instances", -1);
        for (int i = 0; i < instances.size(); i++) {
            layout.add(instance(in, instances.get(i), path + ".instances[" + i + "]", i, coordinates, clip));
        }
        return layout.build();
    }

    private static Coordinates coordinates(JsonInput in, JsonObject o, String path, int width, int height) {
        String name = in.optionalString(o, "coordinates", path, -1);
        String convention = name == null ? "normalized" : name.strip().toLowerCase(Locale.ROOT);
        switch (convention) {
            case "normalized", "normalised" -> {
                return Coordinates.normalized();
            }
            case "pixel", "pixels" -> {
                if (width <= 0) {
                    throw in.error(path + ".coordinates", -1, "is \"" + name + "\" but the layout has no width and"
                            + " height; expected the frame size in pixels for pixel coordinates");
                }
                return Coordinates.pixels(width, height);
            }
            default -> throw in.error(path + ".coordinates", -1, "is \"" + name
                    + "\"; expected \"normalized\" or \"pixel\"");
        }
    }

    private static Instance instance(JsonInput in, JsonElement element, String path, int index, Coordinates c,
            boolean clip) {
        JsonObject o = in.object(element, path, index);
        in.onlyKeys(o, path, index, INSTANCE_KEYS);
        if (o.has("box") && o.has("bbox")) {
            throw in.error(path, index, "has both 'box' and 'bbox'; expected one");
        }
        if (!o.has("phrase")) {
            throw in.error(path, index, "has no 'phrase'; expected the instance's description");
        }
        String phrase = in.string(o.get("phrase"), path + ".phrase", index);
        if (phrase.isBlank()) {
            throw in.error(path + ".phrase", index, "is empty; expected a description of the instance");
        }
        String boxKey = o.has("bbox") ? "bbox" : "box";
        if (!o.has(boxKey)) {
            throw in.error(path, index, "has no 'box'; expected [x1, y1, x2, y2]");
        }
        double[] v = in.box(o.get(boxKey), path + "." + boxKey, index);
        if (!clip) inside(in, c, v, path + "." + boxKey, index);
        Instance instance = Instance.of(phrase, in.toBox(c, v, path + "." + boxKey, index));
        String label = in.optionalString(o, "label", path, index);
        String mask = in.optionalString(o, "mask", path, index);
        String reference = in.optionalString(o, "reference", path, index);
        if (label != null) instance = instance.withLabel(label);
        if (mask != null) instance = instance.withMask(file(in, mask, path + ".mask", index));
        if (reference != null) instance = instance.withReference(file(in, reference, path + ".reference", index));
        return instance;
    }

    /** Rejects a box reaching outside the canvas (NaN passes here and fails in the box check that follows). */
    private static void inside(JsonInput in, Coordinates c, double[] v, String path, int index) {
        boolean pixel = c.convention() == CoordinateConvention.PIXEL;
        double w = pixel ? c.width() : 1;
        double h = pixel ? c.height() : 1;
        if (v[0] < 0 || v[1] < 0 || v[2] > w || v[3] > h) {
            String frame = pixel ? "the " + c.width() + "x" + c.height() + " image" : "the canvas [0,1] x [0,1]";
            throw in.error(path, index, "box " + Box.describe(v[0], v[1], v[2], v[3]) + " reaches outside " + frame
                    + "; expected 0 <= x1 < x2 <= " + Numbers.format(w) + " and 0 <= y1 < y2 <= " + Numbers.format(h));
        }
    }

    static ImageSource file(JsonInput in, String path, String where, int index) {
        if (path.isBlank()) {
            throw in.error(where, index, "is empty; expected a file name");
        }
        return new ImageSource.File(path);
    }

    private static String path(ImageSource source, int index, String what) {
        if (source instanceof ImageSource.File f) {
            return f.path();
        }
        throw new InvalidLayoutException(index, what + " is a graph value, which has no JSON form; expected a file");
    }
}
