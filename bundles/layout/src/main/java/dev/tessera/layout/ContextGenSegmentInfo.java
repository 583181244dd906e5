package dev.tessera.layout;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * ContextGen's input (nenhang/ContextGen {@code images/input/segment_info.json}): an array of
 * {@code {caption, width, height?, layout_image?, instances: [{image?, bbox, label?, phrase, mask?}]}} with
 * {@code bbox} in pixels of a {@code width} x {@code height} frame ({@code height} defaults to {@code width}: the
 * released examples are square). {@code image} becomes the instance's reference image, {@code mask} its mask and
 * {@code layout_image} the layout image, all as file paths relative to the folder the segment_info.json sits in
 * (the released inference.py joins them to its {@code input_dir}; ContextGenLayout reads them from the input
 * folder).
 */
public final class ContextGenSegmentInfo {

    public static final String ID = "contextgen";

    private static final Set<String> ENTRY_KEYS = Set.of("caption", "width", "height", "layout_image", "instances");
    private static final Set<String> INSTANCE_KEYS = Set.of("image", "bbox", "label", "phrase", "mask");

    private ContextGenSegmentInfo() {}

    /** Reads one entry, given alone or as the only entry of the array. */
    public static Layout read(String text) {
        List<Layout> all = readAll(text);
        if (all.size() != 1) {
            throw new JsonInput(ID).error("$", -1, "holds " + all.size() + " entries; expected one (readAll reads many)");
        }
        return all.get(0);
    }

    /** Reads every entry (a single object counts as one). */
    public static List<Layout> readAll(String text) {
        JsonInput in = new JsonInput(ID);
        JsonElement root = in.parse(text);
        List<Layout> layouts = new ArrayList<>();
        if (root.isJsonArray()) {
            JsonArray all = root.getAsJsonArray();
            for (int i = 0; i < all.size(); i++) {
                layouts.add(entry(in, all.get(i), "$[" + i + "]"));
            }
        } else {
            layouts.add(entry(in, root, "$"));
        }
        return layouts;
    }

    private static Layout entry(JsonInput in, JsonElement element, String path) {
        JsonObject o = in.object(element, path, -1);
        in.onlyKeys(o, path, -1, ENTRY_KEYS);
        if (!o.has("caption")) throw in.error(path, -1, "has no 'caption'; expected the global caption");
        String caption = in.string(o.get("caption"), path + ".caption", -1);
        if (!o.has("width")) {
            throw in.error(path, -1, "has no 'width'; expected the frame size in pixels (bbox values are pixels)");
        }
        int width = in.positiveInt(o.get("width"), path + ".width", -1);
        int height = o.has("height") ? in.positiveInt(o.get("height"), path + ".height", -1) : width;
        Coordinates frame = Coordinates.pixels(width, height);
        Layout.Builder layout = Layout.builder(caption).size(width, height)
                .source(new LayoutSource(ID, CoordinateConvention.PIXEL));
        String layoutImage = in.optionalString(o, "layout_image", path, -1);
        if (layoutImage != null) layout.layoutImage(JsonLayoutFormat.file(in, layoutImage, path + ".layout_image", -1));
        if (!o.has("instances")) throw in.error(path, -1, "has no 'instances'; expected an array");
        JsonArray instances = in.array(o.get("instances"), path + ".instances", -1);
        for (int i = 0; i < instances.size(); i++) {
            layout.add(instance(in, instances.get(i), path + ".instances[" + i + "]", i, frame));
        }
        return layout.build();
    }

    private static Instance instance(JsonInput in, JsonElement element, String path, int index, Coordinates frame) {
        JsonObject o = in.object(element, path, index);
        in.onlyKeys(o, path, index, INSTANCE_KEYS);
        if (!o.has("phrase")) throw in.error(path, index, "has no 'phrase'; expected the instance's description");
        String phrase = in.string(o.get("phrase"), path + ".phrase", index);
        if (phrase.isBlank()) throw in.error(path + ".phrase", index, "is empty; expected a description");
        if (!o.has("bbox")) throw in.error(path, index, "has no 'bbox'; expected [x1, y1, x2, y2] in pixels");
        double[] v = in.box(o.get("bbox"), path + ".bbox", index);
        Instance instance = Instance.of(phrase, in.toBox(frame, v, path + ".bbox", index));
        String label = in.optionalString(o, "label", path, index);
        String image = in.optionalString(o, "image", path, index);
        String mask = in.optionalString(o, "mask", path, index);
        if (label != null) instance = instance.withLabel(label);
        if (image != null) instance = instance.withReference(JsonLayoutFormat.file(in, image, path + ".image", index));
        if (mask != null) instance = instance.withMask(JsonLayoutFormat.file(in, mask, path + ".mask", index));
        return instance;
    }
}
