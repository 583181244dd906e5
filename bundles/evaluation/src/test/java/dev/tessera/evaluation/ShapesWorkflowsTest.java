package dev.tessera.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.layout.Box;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The workflows of each method for a two-instance layout on 64 x 64 pixels, checked against values by hand. */
class ShapesWorkflowsTest {

    /** A red circle at pixels [3, 21) x [10, 29) and a blue square at [40, 63) x [33, 50). */
    private static final Layout LAYOUT = Layout.builder("a red circle and a blue square").size(64, 64)
            .add(Instance.of("a red circle", Box.fromPixels(0, 3, 10, 21, 29, 64, 64)).withLabel("circle"))
            .add(Instance.of("a blue square", Box.fromPixels(1, 40, 33, 63, 50, 64, 64)).withLabel("square"))
            .build();
    private static final RenderSettings SETTINGS = new RenderSettings("ck.safetensors", "enc.safetensors",
            "lora.safetensors", 7, 4.5, "euler", "normal", 64);

    private static JsonObject workflow(String method) {
        return JsonParser.parseString(ShapesWorkflows.workflow(LAYOUT, EvalMethod.parse(method), SETTINGS, 2001))
                .getAsJsonObject();
    }

    /** Class type by node id, ids as numbers in order. */
    private static Map<Integer, String> types(JsonObject workflow) {
        Map<Integer, String> types = new TreeMap<>();
        workflow.entrySet().forEach(e -> types.put(Integer.parseInt(e.getKey()),
                e.getValue().getAsJsonObject().get("class_type").getAsString()));
        return types;
    }

    private static JsonObject inputs(JsonObject workflow, String classType) {
        List<JsonObject> found = all(workflow, classType);
        assertEquals(1, found.size(), classType);
        return found.get(0);
    }

    private static List<JsonObject> all(JsonObject workflow, String classType) {
        List<JsonObject> found = new ArrayList<>();
        for (String id : types(workflow).keySet().stream().map(String::valueOf).toList()) {
            JsonObject node = workflow.getAsJsonObject(id);
            if (node.get("class_type").getAsString().equals(classType)) found.add(node.getAsJsonObject("inputs"));
        }
        return found;
    }

    private static String link(JsonObject inputs, String name) {
        JsonArray link = inputs.getAsJsonArray(name);
        return link.get(0).getAsString() + ":" + link.get(1).getAsInt();
    }

    private static void assertSampler(JsonObject workflow, String model, String positive) {
        JsonObject k = inputs(workflow, "KSampler");
        assertEquals(model, link(k, "model"));
        assertEquals(positive, link(k, "positive"));
        assertEquals("2:0", link(k, "negative"));
        assertEquals("3:0", link(k, "latent_image"));
        assertEquals(2001, k.get("seed").getAsLong());
        assertEquals(7, k.get("steps").getAsInt());
        assertEquals(4.5, k.get("cfg").getAsDouble());
        assertEquals("euler", k.get("sampler_name").getAsString());
        assertEquals("normal", k.get("scheduler").getAsString());
        assertEquals("ck.safetensors", inputs(workflow, "CheckpointLoaderSimple").get("ckpt_name").getAsString());
        assertEquals("", all(workflow, "CLIPTextEncode").get(0).get("text").getAsString(), "negative first");
        JsonObject latent = inputs(workflow, "EmptyLatentImage");
        assertEquals(List.of(64, 64, 1), List.of(latent.get("width").getAsInt(), latent.get("height").getAsInt(),
                latent.get("batch_size").getAsInt()));
    }

    @Test
    void plainEncodesTheCaptionOnly() {
        JsonObject w = workflow("plain");
        assertEquals(Map.of(1, "CheckpointLoaderSimple", 2, "CLIPTextEncode", 3, "EmptyLatentImage",
                4, "CLIPTextEncode", 5, "KSampler", 6, "VAEDecode", 7, "PreviewImage"), types(w));
        assertEquals("a red circle and a blue square", w.getAsJsonObject("4").getAsJsonObject("inputs")
                .get("text").getAsString());
        assertSampler(w, "1:0", "4:0");
        assertEquals("5:0", link(inputs(w, "VAEDecode"), "samples"));
        assertEquals("6:0", link(inputs(w, "PreviewImage"), "images"));
    }

    /**
     * The circle's pixels [3, 21) x [10, 29) widen to [0, 24) x [8, 32): x 0, y 8/64, width and height 24/64; the
     * square's [40, 63) x [33, 50) to [40, 64) x [32, 56): x 40/64, y 32/64, width and height 24/64.
     */
    @Test
    void areaPutsEachPhraseOnItsBoxSnappedOutwardToTheLatentGrid() {
        assertEquals(new ShapesWorkflows.Rect(0, 8, 24, 32), ShapesWorkflows.areaRect(LAYOUT.instance(0), 64, 64));
        assertEquals(new ShapesWorkflows.Rect(40, 32, 64, 56), ShapesWorkflows.areaRect(LAYOUT.instance(1), 64, 64));
        JsonObject w = workflow("area");
        assertEquals(Map.of(1, "CheckpointLoaderSimple", 2, "CLIPTextEncode", 3, "EmptyLatentImage",
                4, "CLIPTextEncode", 5, "CLIPTextEncode", 6, "ConditioningSetAreaPercentage", 7, "ConditioningCombine",
                8, "CLIPTextEncode", 9, "ConditioningSetAreaPercentage", 10, "ConditioningCombine"), subMap(types(w), 10));
        assertEquals(List.of("KSampler", "VAEDecode", "PreviewImage"), List.copyOf(types(w).values()).subList(10, 13));
        List<JsonObject> areas = all(w, "ConditioningSetAreaPercentage");
        assertArea(areas.get(0), "5:0", 0, 0.125, 0.375, 0.375);
        assertArea(areas.get(1), "8:0", 0.625, 0.5, 0.375, 0.375);
        assertEquals("a red circle", w.getAsJsonObject("5").getAsJsonObject("inputs").get("text").getAsString());
        assertEquals("a blue square", w.getAsJsonObject("8").getAsJsonObject("inputs").get("text").getAsString());
        List<JsonObject> combines = all(w, "ConditioningCombine");
        assertEquals(List.of("4:0", "6:0"), List.of(link(combines.get(0), "conditioning_1"),
                link(combines.get(0), "conditioning_2")));
        assertEquals(List.of("7:0", "9:0"), List.of(link(combines.get(1), "conditioning_1"),
                link(combines.get(1), "conditioning_2")));
        assertSampler(w, "1:0", "10:0");
    }

    /** An edge on the grid stays; a box reaching the canvas edge ends there. */
    @Test
    void areaRectsKeepEdgesOnTheGrid() {
        Instance onGrid = Instance.of("a green star", Box.fromPixels(0, 8, 16, 32, 64, 64, 64));
        assertEquals(new ShapesWorkflows.Rect(8, 16, 32, 64), ShapesWorkflows.areaRect(onGrid, 64, 64));
        Instance wide = Instance.of("a green star", Box.fromPixels(0, 57, 1, 72, 9, 72, 72));
        assertEquals(new ShapesWorkflows.Rect(56, 0, 72, 16), ShapesWorkflows.areaRect(wide, 72, 72));
    }

    private static Map<Integer, String> subMap(Map<Integer, String> types, int last) {
        Map<Integer, String> sub = new TreeMap<>(types);
        sub.keySet().removeIf(id -> id > last);
        return sub;
    }

    private static void assertArea(JsonObject area, String conditioning, double x, double y, double width,
            double height) {
        assertEquals(conditioning, link(area, "conditioning"));
        assertEquals(List.of(x, y, width, height, 1.0), List.of(area.get("x").getAsDouble(),
                area.get("y").getAsDouble(), area.get("width").getAsDouble(), area.get("height").getAsDouble(),
                area.get("strength").getAsDouble()));
    }

    @Test
    void migloraReadsTheLayoutInPixelsAndAppliesTheFusionAndBeta() {
        JsonObject w = workflow("miglora-mask@beta=0.5");
        assertEquals(Map.of(1, "CheckpointLoaderSimple", 2, "CLIPTextEncode", 3, "EmptyLatentImage",
                4, "LayoutFromJSON", 5, "MIGEncode", 6, "MIGLoRALoader", 7, "MIGApply", 8, "KSampler", 9, "VAEDecode",
                10, "PreviewImage"), types(w));
        JsonObject layout = inputs(w, "LayoutFromJSON");
        assertEquals("json", layout.get("format").getAsString());
        assertEquals(0, layout.get("index").getAsInt());
        assertEquals(64, layout.get("width").getAsInt());
        assertEquals(64, layout.get("height").getAsInt());
        JsonObject text = JsonParser.parseString(layout.get("text").getAsString()).getAsJsonObject();
        assertEquals("a red circle and a blue square", text.get("caption").getAsString());
        assertEquals("pixel", text.get("coordinates").getAsString());
        assertEquals(64, text.get("width").getAsInt());
        JsonArray instances = text.getAsJsonArray("instances");
        assertEquals(2, instances.size());
        assertEquals("a red circle", instances.get(0).getAsJsonObject().get("phrase").getAsString());
        assertEquals(List.of(3.0, 10.0, 21.0, 29.0), boxOf(instances.get(0).getAsJsonObject()));
        assertEquals(List.of(40.0, 33.0, 63.0, 50.0), boxOf(instances.get(1).getAsJsonObject()));
        assertEquals("square", instances.get(1).getAsJsonObject().get("label").getAsString());

        assertEquals(List.of("1:1", "4:0"), List.of(link(inputs(w, "MIGEncode"), "clip"),
                link(inputs(w, "MIGEncode"), "layout")));
        JsonObject loader = inputs(w, "MIGLoRALoader");
        assertEquals("1:0", link(loader, "model"));
        assertEquals("enc.safetensors", loader.get("mask_encoder_name").getAsString());
        assertEquals("lora.safetensors", loader.get("lora_name").getAsString());
        assertEquals(1.0, loader.get("strength_model").getAsDouble());
        JsonObject apply = inputs(w, "MIGApply");
        assertEquals(List.of("6:0", "5:0"), List.of(link(apply, "model"), link(apply, "conditioning")));
        assertEquals("mask", apply.get("fusion").getAsString());
        assertEquals(0.5, apply.get("beta").getAsDouble());
        assertSampler(w, "7:0", "5:0");

        assertEquals("sum", inputs(workflow("miglora-sum"), "MIGApply").get("fusion").getAsString());
        assertEquals(0.7, inputs(workflow("miglora-avg"), "MIGApply").get("beta").getAsDouble());
    }

    private static List<Double> boxOf(JsonObject instance) {
        List<Double> box = new ArrayList<>();
        instance.getAsJsonArray("box").forEach(v -> box.add(v.getAsDouble()));
        return box;
    }
}
