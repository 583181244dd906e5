package dev.tessera.layout;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Set;

/**
 * MIGC's inputs (limuloo/MIGC {@code inference_single_image.py}): a prompt list whose first entry is the global
 * caption and the rest the instance phrases, and a list of normalised xyxy boxes, one per phrase. Accepted as
 * {@code {"prompt": [...], "bboxes": [...]}} (also {@code prompt_final}) or as a two-element array
 * {@code [[caption, phrase, ...], [[x1, y1, x2, y2], ...]]}; MIGC's batch nesting ({@code [[...]]} and
 * {@code [[[...]]]}) is unwrapped when the batch holds one layout. Python's single quotes are accepted.
 */
public final class MigcListFormat {

    public static final String ID = "migc";

    private MigcListFormat() {}

    public static Layout read(String text) {
        JsonInput in = new JsonInput(ID);
        JsonElement root = in.parse(text);
        JsonElement prompts;
        JsonElement boxes;
        String promptPath;
        String boxesPath;
        if (root.isJsonObject()) {
            JsonObject o = root.getAsJsonObject();
            in.onlyKeys(o, "$", -1, Set.of("prompt", "prompt_final", "bboxes"));
            promptPath = o.has("prompt_final") ? "$.prompt_final" : "$.prompt";
            prompts = o.has("prompt_final") ? o.get("prompt_final") : o.get("prompt");
            boxes = o.get("bboxes");
            boxesPath = "$.bboxes";
            if (prompts == null) throw in.error("$", -1, "has no 'prompt'; expected [caption, phrase, ...]");
            if (boxes == null) throw in.error("$", -1, "has no 'bboxes'; expected [[x1, y1, x2, y2], ...]");
        } else {
            JsonArray a = in.array(root, "$", -1);
            if (a.size() != 2) {
                throw in.error("$", -1, "has " + a.size() + " entries; expected two: [prompts, bboxes]");
            }
            prompts = a.get(0);
            boxes = a.get(1);
            promptPath = "$[0]";
            boxesPath = "$[1]";
        }
        JsonArray promptList = in.array(prompts, promptPath, -1);
        if (!promptList.isEmpty() && promptList.get(0).isJsonArray()) {
            promptList = single(in, promptList, promptPath);
            promptPath += "[0]";
        }
        JsonArray boxList = in.array(boxes, boxesPath, -1);
        if (!boxList.isEmpty() && boxList.get(0).isJsonArray() && !boxList.get(0).getAsJsonArray().isEmpty()
                && boxList.get(0).getAsJsonArray().get(0).isJsonArray()) {
            boxList = single(in, boxList, boxesPath);
            boxesPath += "[0]";
        }
        if (promptList.isEmpty()) {
            throw in.error(promptPath, -1, "is empty; expected the global caption first, then one phrase per box");
        }
        int phrases = promptList.size() - 1;
        if (phrases != boxList.size()) {
            throw in.error(boxesPath, -1, "has " + boxList.size() + " box(es) for " + phrases
                    + " phrase(s); expected one box per phrase after the global caption");
        }
        Layout.Builder layout = Layout.builder(in.string(promptList.get(0), promptPath + "[0]", -1))
                .source(new LayoutSource(ID, CoordinateConvention.NORMALIZED));
        for (int i = 0; i < phrases; i++) {
            String phrasePath = promptPath + "[" + (i + 1) + "]";
            String phrase = in.string(promptList.get(i + 1), phrasePath, i);
            if (phrase.isBlank()) {
                throw in.error(phrasePath, i, "is empty; expected a description of the instance");
            }
            String boxPath = boxesPath + "[" + i + "]";
            double[] v = in.box(boxList.get(i), boxPath, i);
            layout.add(phrase, in.toBox(Coordinates.normalized(), v, boxPath, i));
        }
        return layout.build();
    }

    private static JsonArray single(JsonInput in, JsonArray batch, String path) {
        if (batch.size() != 1) {
            throw in.error(path, -1, "is a batch of " + batch.size() + " layouts; expected one");
        }
        return in.array(batch.get(0), path + "[0]", -1);
    }
}
