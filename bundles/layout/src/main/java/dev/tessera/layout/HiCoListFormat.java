package dev.tessera.layout;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The list format of HiCo (360CVGroup/HiCo_T2I) and of the released MIGLoRA code: a JSON array of entries
 * {@code [base_info, caption, obj_nums, img_size, path_img, list_bbox_info, crop_location?]} where
 * {@code img_size} is {@code {"W": 512, "H": 512}} (or {@code width}/{@code height}, or {@code [W, H]}) and
 * {@code list_bbox_info} is {@code [[phrase, [x1, y1, x2, y2]], ...]} in pixels of that frame.
 *
 * <p>Released MIGLoRA puts the global caption first in {@code list_bbox_info} with the whole-frame box; HiCo adds
 * it itself. A first entry whose phrase is the caption and whose box covers the frame is therefore read as the
 * global entry, not as an instance. {@code obj_nums} must count the instances, with or without that entry.
 * {@code path_img} (the training image) is not part of the layout.
 */
public final class HiCoListFormat {

    public static final String ID = "hico";

    private HiCoListFormat() {}

    /** Reads one entry, given alone or as the only entry of the list. */
    public static Layout read(String text) {
        List<Layout> all = readAll(text);
        if (all.size() != 1) {
            throw new JsonInput(ID).error("$", -1, "holds " + all.size() + " entries; expected one (readAll reads many)");
        }
        return all.get(0);
    }

    /** Reads every entry of the list (or the single entry given on its own). */
    public static List<Layout> readAll(String text) {
        JsonInput in = new JsonInput(ID);
        JsonArray root = in.array(in.parse(text), "$", -1);
        List<Layout> layouts = new ArrayList<>();
        if (!root.isEmpty() && root.get(0).isJsonArray()) {
            for (int i = 0; i < root.size(); i++) {
                layouts.add(entry(in, in.array(root.get(i), "$[" + i + "]", -1), "$[" + i + "]"));
            }
        } else if (!root.isEmpty()) {
            layouts.add(entry(in, root, "$"));
        }
        return layouts;
    }

    private static Layout entry(JsonInput in, JsonArray e, String path) {
        if (e.size() < 6) {
            throw in.error(path, -1, "has " + e.size() + " fields; expected at least six: [base_info, caption,"
                    + " obj_nums, img_size, path_img, list_bbox_info]");
        }
        String caption = in.string(e.get(1), path + "[1]", -1);
        int[] size = size(in, e.get(3), path + "[3]");
        Coordinates frame = Coordinates.pixels(size[0], size[1]);
        JsonArray items = in.array(e.get(5), path + "[5]", -1);
        Layout.Builder layout = Layout.builder(caption).size(size[0], size[1])
                .source(new LayoutSource(ID, CoordinateConvention.PIXEL));
        boolean globalFirst = false;
        for (int k = 0; k < items.size(); k++) {
            String itemPath = path + "[5][" + k + "]";
            int index = globalFirst ? k - 1 : k;
            JsonArray item = in.array(items.get(k), itemPath, index);
            if (item.size() < 2) {
                throw in.error(itemPath, index, "has " + item.size() + " field(s); expected [phrase, [x1, y1, x2, y2]]");
            }
            String phrase = in.string(item.get(0), itemPath + "[0]", index);
            double[] v = in.box(item.get(1), itemPath + "[1]", index);
            if (k == 0 && isGlobal(phrase, caption, v, size)) {
                globalFirst = true;
                continue;
            }
            if (phrase.isBlank()) {
                throw in.error(itemPath + "[0]", index, "is empty; expected a description of the instance");
            }
            layout.add(phrase, in.toBox(frame, v, itemPath + "[1]", index));
        }
        checkCount(in, e.get(2), path + "[2]", layout.count(), globalFirst);
        return layout.build();
    }

    private static boolean isGlobal(String phrase, String caption, double[] v, int[] size) {
        return phrase.strip().equals(caption.strip()) && v[0] <= 0 && v[1] <= 0 && v[2] >= size[0] && v[3] >= size[1];
    }

    private static void checkCount(JsonInput in, JsonElement count, String path, int instances, boolean globalFirst) {
        if (count == null || count.isJsonNull()) return;
        double n = in.number(count, path, -1);
        if (n != instances && !(globalFirst && n == instances + 1)) {
            throw in.error(path, -1, "obj_nums is " + Numbers.format(n) + " but list_bbox_info holds " + instances
                    + " instance(s)" + (globalFirst ? " after the global entry" : "") + "; expected them to agree");
        }
    }

    private static int[] size(JsonInput in, JsonElement e, String path) {
        if (e != null && e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            if (a.size() != 2) throw in.error(path, -1, "has " + a.size() + " entries; expected [W, H]");
            return new int[] {in.positiveInt(a.get(0), path + "[0]", -1), in.positiveInt(a.get(1), path + "[1]", -1)};
        }
        if (e == null || !e.isJsonObject()) {
            throw in.error(path, -1, "img_size is " + JsonInput.kind(e) + "; expected {\"W\": width, \"H\": height}"
                    + " in pixels (boxes are pixels of that frame)");
        }
        JsonObject o = e.getAsJsonObject();
        String w = o.has("W") ? "W" : "width";
        String h = o.has("H") ? "H" : "height";
        if (!o.has(w) || !o.has(h)) {
            throw in.error(path, -1, "img_size has no " + (!o.has(w) ? "W" : "H") + "; expected {\"W\": width, \"H\": height}");
        }
        return new int[] {in.positiveInt(o.get(w), path + "." + w, -1), in.positiveInt(o.get(h), path + "." + h, -1)};
    }
}
