package dev.tessera.graph.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.api.Widget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * UI-format workflows as ComfyUI publishes them (src/test/resources/ui-workflows, sources in its README) against
 * the API prompt ComfyUI's frontend makes of them, written by hand from its rules (graphToPrompt, ExecutableNodeDTO).
 */
class UiWorkflowTest {

    /** ComfyUI's definitions of the node types these workflows use (nodes.py, comfy_extras), widget inputs in order. */
    private static final Map<String, NodeDescriptor> COMFY = new HashMap<>();

    private static final ValueType MODEL = ValueType.MODEL;
    private static final ValueType CLIP = ValueType.CLIP;
    private static final ValueType VAE = ValueType.VAE;
    private static final ValueType COND = ValueType.CONDITIONING;
    private static final ValueType LATENT = ValueType.LATENT;
    private static final ValueType IMAGE = ValueType.IMAGE;

    static {
        def("CheckpointLoaderSimple", "Load Checkpoint", List.of(combo("ckpt_name")), MODEL, CLIP, VAE);
        def("CLIPTextEncode", "CLIP Text Encode (Prompt)", List.of(InputSpec.string("text", "", true), InputSpec.link("clip", CLIP)), COND);
        def("EmptyLatentImage", "Empty Latent Image", List.of(size("width", 512), size("height", 512), InputSpec.integer("batch_size", 1, 1, 4096, 1)), LATENT);
        def("EmptySD3LatentImage", "EmptySD3LatentImage", List.of(size("width", 1024), size("height", 1024), InputSpec.integer("batch_size", 1, 1, 4096, 1)), LATENT);
        def("KSampler", "KSampler", List.of(InputSpec.link("model", MODEL), seed("seed"), InputSpec.integer("steps", 20, 1, 10000, 1),
                InputSpec.decimal("cfg", 8.0, 0.0, 100.0, 0.1, 0.01), combo("sampler_name"), combo("scheduler"),
                InputSpec.link("positive", COND), InputSpec.link("negative", COND), InputSpec.link("latent_image", LATENT),
                InputSpec.decimal("denoise", 1.0, 0.0, 1.0, 0.01, 0.01)), LATENT);
        def("VAEDecode", "VAE Decode", List.of(InputSpec.link("samples", LATENT), InputSpec.link("vae", VAE)), IMAGE);
        def("VAEEncode", "VAE Encode", List.of(InputSpec.link("pixels", IMAGE), InputSpec.link("vae", VAE)), LATENT);
        def("SaveImage", "Save Image", List.of(InputSpec.link("images", IMAGE), InputSpec.string("filename_prefix", "ComfyUI", false)));
        def("PreviewImage", "Preview Image", List.of(InputSpec.link("images", IMAGE)));
        def("VAELoader", "Load VAE", List.of(combo("vae_name")), VAE);
        def("DualCLIPLoader", "DualCLIPLoader", List.of(combo("clip_name1"), combo("clip_name2"), combo("type"), combo("device").asOptional()), CLIP);
        def("CLIPLoader", "Load CLIP", List.of(combo("clip_name"), combo("type"), combo("device").asOptional()), CLIP);
        def("UNETLoader", "Load Diffusion Model", List.of(combo("unet_name"), combo("weight_dtype")), MODEL);
        def("ConditioningZeroOut", "ConditioningZeroOut", List.of(InputSpec.link("conditioning", COND)), COND);
        def("LoadImageOutput", "Load Image (from Outputs)", List.of(InputSpec.imageUpload("image", List::of)), IMAGE, ValueType.MASK);
        def("LoadImage", "Load Image", List.of(InputSpec.imageUpload("image", List::of)), IMAGE, ValueType.MASK);
        def("FluxKontextImageScale", "FluxKontextImageScale", List.of(InputSpec.link("image", IMAGE)), IMAGE);
        def("ImageStitch", "Image Stitch", List.of(InputSpec.link("image1", IMAGE), combo("direction"), InputSpec.bool("match_image_size", true),
                InputSpec.integer("spacing_width", 0, 0, 1024, 2), combo("spacing_color"), InputSpec.link("image2", IMAGE).asOptional()), IMAGE);
        def("FluxGuidance", "FluxGuidance", List.of(InputSpec.link("conditioning", COND), InputSpec.decimal("guidance", 3.5, 0.0, 100.0, 0.1, 0.01)), COND);
        def("ReferenceLatent", "ReferenceLatent", List.of(InputSpec.link("conditioning", COND), InputSpec.link("latent", LATENT).asOptional()), COND);
        def("ModelSamplingAuraFlow", "ModelSamplingAuraFlow", List.of(InputSpec.link("model", MODEL), InputSpec.decimal("shift", 1.73, 0.0, 100.0, 0.01, 0.01)), MODEL);
        def("ImageScale", "Upscale Image", List.of(InputSpec.link("image", IMAGE), combo("upscale_method"), size("width", 512), size("height", 512), combo("crop")), IMAGE);
    }

    private static void def(String type, String display, List<InputSpec> inputs, ValueType... outputs) {
        NodeDescriptor.Builder b = NodeDescriptor.builder(type).displayName(display);
        inputs.forEach(b::input);
        for (ValueType o : outputs) b.output(o.name(), o);
        b.outputNode(outputs.length == 0);
        COMFY.put(type, b.build());
    }

    private static InputSpec combo(String name) {
        return InputSpec.combo(name, List.of("(default)"));
    }

    private static InputSpec size(String name, long def) {
        return InputSpec.integer(name, def, 0, 16384, 8);
    }

    private static InputSpec seed(String name) {
        return new InputSpec(name, ValueType.INT, false, new Widget.IntWidget(0, 0, Widget.IntWidget.UNSIGNED_MAX, 1), "");
    }

    private static Optional<NodeDescriptor> comfy(String type) {
        return Optional.ofNullable(COMFY.get(type));
    }

    private static JsonObject resource(String name) throws IOException {
        try (InputStream in = UiWorkflowTest.class.getResourceAsStream("/ui-workflows/" + name)) {
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    private static UiWorkflow.Conversion convert(JsonObject ui) {
        return UiWorkflow.toApi(ui, UiWorkflowTest::comfy, "test.json");
    }

    private static void assertPrompt(JsonElement expected, JsonObject actual) {
        assertEquals(new java.util.TreeSet<>(expected.getAsJsonObject().keySet()), new java.util.TreeSet<>(actual.keySet()), "node ids");
        for (String id : actual.keySet()) {
            assertEquals(expected.getAsJsonObject().get(id), actual.get(id), "node " + id);
        }
    }

    @Test
    void comfyDefaultGraphSkipsTheSeedControlValueAndFillsDefaults() throws IOException {
        UiWorkflow.Conversion c = convert(resource("comfyui-default-graph.json"));
        assertPrompt(resource("comfyui-default-graph.api.json"), c.prompt());
        assertEquals(List.of(), c.notes());
    }

    @Test
    void fluxKontextTemplateDropsNotesAndBypassedNodesAndIgnoresUploadWidgets() throws IOException {
        UiWorkflow.Conversion c = convert(resource("flux_kontext_dev_basic.json"));
        assertPrompt(resource("flux_kontext_dev_basic.api.json"), c.prompt());
        assertEquals(List.of(), c.notes());
    }

    @Test
    void subgraphTemplateExpandsWithExecutionIdsAndBypassInside() throws IOException {
        UiWorkflow.Conversion c = convert(resource("01_get_started_text_to_image.json"));
        assertPrompt(resource("01_get_started_text_to_image.api.json"), c.prompt());
        assertEquals(List.of(), c.notes());
    }

    @Test
    void isUiWorkflowTellsTheFormats() throws IOException {
        assertTrue(UiWorkflow.isUiWorkflow(resource("comfyui-default-graph.json")));
        assertFalse(UiWorkflow.isUiWorkflow(resource("comfyui-default-graph.api.json")));
        assertFalse(UiWorkflow.isUiWorkflow(JsonParser.parseString("[1]")));
    }

    /** Frontend-only nodes: a PrimitiveNode's value reaches the widget it drives, reroutes pass through, muted sources drop the input. */
    @Test
    void primitiveRerouteAndMutedNodes() {
        JsonObject ui = JsonParser.parseString("""
                {"last_node_id": 6, "last_link_id": 5, "version": 0.4,
                 "nodes": [
                  {"id": 1, "type": "LoadImage", "mode": 0, "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1]}],
                   "widgets_values": ["mosaic.png", "image"]},
                  {"id": 2, "type": "PrimitiveNode", "mode": 0, "title": "Width",
                   "outputs": [{"name": "INT", "type": "INT", "links": [2], "widget": {"name": "width"}}],
                   "widgets_values": [256, "fixed"]},
                  {"id": 3, "type": "Reroute", "mode": 0, "inputs": [{"name": "", "type": "*", "link": 1}],
                   "outputs": [{"name": "", "type": "IMAGE", "links": [3, 5]}]},
                  {"id": 4, "type": "ImageScale", "mode": 0,
                   "inputs": [{"name": "image", "type": "IMAGE", "link": 3},
                              {"name": "width", "type": "INT", "link": 2, "widget": {"name": "width"}}],
                   "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [4]}],
                   "widgets_values": ["lanczos", 512, 0, "disabled"]},
                  {"id": 5, "type": "SaveImage", "mode": 0, "inputs": [{"name": "images", "type": "IMAGE", "link": 4}],
                   "widgets_values": ["image-roundtrip"]},
                  {"id": 6, "type": "PreviewImage", "mode": 2, "inputs": [{"name": "images", "type": "IMAGE", "link": 5}]},
                  {"id": 7, "type": "Note", "mode": 0, "widgets_values": ["a note"]}
                 ],
                 "links": [[1, 1, 0, 3, 0, "*"], [2, 2, 0, 4, 1, "INT"], [3, 3, 0, 4, 0, "IMAGE"], [4, 4, 0, 5, 0, "IMAGE"],
                           [5, 3, 0, 6, 0, "IMAGE"]]}
                """).getAsJsonObject();
        JsonElement expected = JsonParser.parseString("""
                {"1": {"inputs": {"image": "mosaic.png"}, "class_type": "LoadImage", "_meta": {"title": "Load Image"}},
                 "4": {"inputs": {"upscale_method": "lanczos", "width": 256, "height": 0, "crop": "disabled", "image": ["1", 0]},
                       "class_type": "ImageScale", "_meta": {"title": "Upscale Image"}},
                 "5": {"inputs": {"filename_prefix": "image-roundtrip", "images": ["4", 0]}, "class_type": "SaveImage",
                       "_meta": {"title": "Save Image"}}}
                """);
        assertPrompt(expected, convert(ui).prompt());
    }

    /**
     * A subgraph whose instance promotes inner widgets as ComfyUI's 02_qwen_Image_edit_subgraphed does
     * (proxyWidgets {@code ["-1", name]} aligned with the instance's widgets_values; the instance saves only its
     * linked inputs), one inner input fed from outside, and a nested subgraph (ids a:b:c).
     */
    @Test
    void subgraphInputsFromOutsideAndPromotedWidgetsAndNesting() {
        JsonObject ui = JsonParser.parseString("""
                {"version": 0.4, "last_node_id": 3, "last_link_id": 2,
                 "nodes": [
                  {"id": 1, "type": "LoadImage", "mode": 0, "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1]}],
                   "widgets_values": ["in.png", "image"]},
                  {"id": 2, "type": "outer-sg", "mode": 0,
                   "inputs": [{"label": "picture", "name": "image", "type": "IMAGE", "link": 1}],
                   "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [2]}],
                   "properties": {"proxyWidgets": [["-1", "width"], ["-1", "prefix_unused"]]},
                   "widgets_values": [320, "x"]},
                  {"id": 3, "type": "SaveImage", "mode": 0, "inputs": [{"name": "images", "type": "IMAGE", "link": 2}],
                   "widgets_values": ["out"]}
                 ],
                 "links": [[1, 1, 0, 2, 0, "IMAGE"], [2, 2, 0, 3, 0, "IMAGE"]],
                 "definitions": {"subgraphs": [
                  {"id": "outer-sg", "name": "Scale", "inputs": [{"name": "width", "type": "INT"}, {"name": "image", "type": "IMAGE"}],
                   "outputs": [{"name": "IMAGE", "type": "IMAGE"}],
                   "nodes": [
                    {"id": 5, "type": "ImageScale", "mode": 0,
                     "inputs": [{"name": "image", "type": "IMAGE", "link": 11},
                                {"name": "width", "type": "INT", "link": 10, "widget": {"name": "width"}}],
                     "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [12]}],
                     "widgets_values": ["bilinear", 64, 48, "center"]},
                    {"id": 6, "type": "inner-sg", "mode": 0, "inputs": [{"name": "image", "type": "IMAGE", "link": 12}],
                     "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [13]}]}
                   ],
                   "links": [
                    {"id": 10, "origin_id": -10, "origin_slot": 0, "target_id": 5, "target_slot": 1, "type": "INT"},
                    {"id": 11, "origin_id": -10, "origin_slot": 1, "target_id": 5, "target_slot": 0, "type": "IMAGE"},
                    {"id": 12, "origin_id": 5, "origin_slot": 0, "target_id": 6, "target_slot": 0, "type": "IMAGE"},
                    {"id": 13, "origin_id": 6, "origin_slot": 0, "target_id": -20, "target_slot": 0, "type": "IMAGE"}]},
                  {"id": "inner-sg", "name": "Stitch", "inputs": [{"name": "image", "type": "IMAGE"}],
                   "outputs": [{"name": "IMAGE", "type": "IMAGE"}],
                   "nodes": [
                    {"id": 5, "type": "ImageStitch", "mode": 0,
                     "inputs": [{"name": "image1", "type": "IMAGE", "link": 20}, {"name": "image2", "type": "IMAGE", "link": 21}],
                     "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [22]}],
                     "widgets_values": ["right", true, 0, "white"]}
                   ],
                   "links": [
                    {"id": 20, "origin_id": -10, "origin_slot": 0, "target_id": 5, "target_slot": 0, "type": "IMAGE"},
                    {"id": 21, "origin_id": -10, "origin_slot": 0, "target_id": 5, "target_slot": 1, "type": "IMAGE"},
                    {"id": 22, "origin_id": 5, "origin_slot": 0, "target_id": -20, "target_slot": 0, "type": "IMAGE"}]}
                 ]}}
                """).getAsJsonObject();
        JsonElement expected = JsonParser.parseString("""
                {"1": {"inputs": {"image": "in.png"}, "class_type": "LoadImage", "_meta": {"title": "Load Image"}},
                 "2:5": {"inputs": {"upscale_method": "bilinear", "width": 320, "height": 48, "crop": "center", "image": ["1", 0]},
                         "class_type": "ImageScale", "_meta": {"title": "Upscale Image"}},
                 "2:6:5": {"inputs": {"direction": "right", "match_image_size": true, "spacing_width": 0, "spacing_color": "white",
                                      "image1": ["2:5", 0], "image2": ["2:5", 0]},
                           "class_type": "ImageStitch", "_meta": {"title": "Image Stitch"}},
                 "3": {"inputs": {"filename_prefix": "out", "images": ["2:6:5", 0]}, "class_type": "SaveImage", "_meta": {"title": "Save Image"}}}
                """);
        assertPrompt(expected, convert(ui).prompt());
    }

    @Test
    void notInstalledTypesAreNamedAndKeptOnlyWhereNeeded() {
        JsonObject ui = JsonParser.parseString("""
                {"version": 0.4, "nodes": [
                  {"id": 1, "type": "LoadImage", "mode": 0, "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1, 2]}],
                   "widgets_values": ["in.png", "image"]},
                  {"id": 2, "type": "Image Comparer (rgthree)", "mode": 0, "title": "Compare",
                   "inputs": [{"name": "image_a", "type": "IMAGE", "link": 1}]},
                  {"id": 3, "type": "FancyUpscale", "mode": 0, "inputs": [{"name": "image", "type": "IMAGE", "link": 2}],
                   "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [3]}], "widgets_values": {"factor": 2}},
                  {"id": 4, "type": "SaveImage", "mode": 0, "inputs": [{"name": "images", "type": "IMAGE", "link": 3}]}
                 ],
                 "links": [[1, 1, 0, 2, 0, "IMAGE"], [2, 1, 0, 3, 0, "IMAGE"], [3, 3, 0, 4, 0, "IMAGE"]]}
                """).getAsJsonObject();
        UiWorkflow.Conversion c = convert(ui);
        assertEquals(List.of("1", "3", "4"), List.copyOf(c.prompt().keySet()));
        assertEquals(JsonParser.parseString("""
                {"inputs": {"factor": 2, "image": ["1", 0]}, "class_type": "FancyUpscale", "_meta": {"title": "FancyUpscale"}}
                """), c.prompt().get("3"));
        assertEquals(List.of(
                "node 2 ('Compare'): no node type 'Image Comparer (rgthree)' is installed; left out, since no other node needs its output",
                "node 3 ('FancyUpscale'): no node type 'FancyUpscale' is installed; node 4 needs its output, so the workflow cannot run without it"),
                c.notes());
    }

    @Test
    void seedControlOnlySkippedWhereItIs() {
        // A saved list without the control value (older or API-made workflows) maps straight.
        JsonObject ui = JsonParser.parseString("""
                {"nodes": [{"id": 3, "type": "KSampler", "widgets_values": [5, 20, 8, "euler", "normal", 1]},
                           {"id": 4, "type": "KSampler", "widgets_values": [5, "fixed", 7, 2.5, "dpmpp_2m", "karras", 0.5]}],
                 "links": []}
                """).getAsJsonObject();
        JsonObject p = convert(ui).prompt();
        assertEquals(JsonParser.parseString("""
                {"seed": 5, "steps": 20, "cfg": 8, "sampler_name": "euler", "scheduler": "normal", "denoise": 1}"""),
                p.getAsJsonObject("3").get("inputs"));
        assertEquals(JsonParser.parseString("""
                {"seed": 5, "steps": 7, "cfg": 2.5, "sampler_name": "dpmpp_2m", "scheduler": "karras", "denoise": 0.5}"""),
                p.getAsJsonObject("4").get("inputs"));
    }

    @Test
    void unreadableWorkflowsSayWhere() {
        WorkflowParseException e = assertThrows(WorkflowParseException.class,
                () -> convert(JsonParser.parseString("{\"nodes\": [{\"id\": 1}], \"links\": []}").getAsJsonObject()));
        assertEquals("test.json: the workflow: node 1 has no \"type\"", e.getMessage());
        e = assertThrows(WorkflowParseException.class, () -> convert(JsonParser.parseString("""
                {"nodes": [{"id": 1, "type": "loop"}], "links": [], "definitions": {"subgraphs": [
                  {"id": "loop", "nodes": [{"id": 1, "type": "loop"}], "links": []}]}}""").getAsJsonObject()));
        assertTrue(e.getMessage().contains("subgraphs are nested deeper than 32 levels"), e.getMessage());
    }
}
