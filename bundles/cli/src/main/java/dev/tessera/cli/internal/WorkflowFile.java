package dev.tessera.cli.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tessera.graph.engine.StrictJson;
import dev.tessera.graph.engine.UiWorkflow;
import dev.tessera.graph.engine.Workflow;
import dev.tessera.graph.engine.WorkflowEngine;
import dev.tessera.image.PngText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A workflow file in any of the formats {@code tessera run} takes: ComfyUI's API format, its UI format (converted by
 * {@link UiWorkflow}, the converter the editor's server uses too), or a PNG with a {@code prompt} (API) or
 * {@code workflow} (UI) text chunk, as ComfyUI and Tessera save them.
 *
 * @param workflow     the workflow to run
 * @param format       what the file held, for the user ("UI JSON", "its prompt chunk (API format)", ...), or null for API JSON
 * @param notes        what the conversion has to say (node types not installed), one sentence each
 * @param extraPngInfo ComfyUI's extra_pnginfo for the run: the UI workflow when there is one, so saved images keep it
 */
record WorkflowFile(Workflow workflow, String format, List<String> notes, Map<String, String> extraPngInfo) {

    static final String FORMATS = "tessera run takes a workflow in ComfyUI's API format (JSON: {\"<id>\": {\"class_type\": ..., "
            + "\"inputs\": {...}}}), in its UI format (the JSON its editor saves, with \"nodes\" and \"links\"), or a PNG with a "
            + "\"prompt\" or \"workflow\" text chunk (as ComfyUI and Tessera save their images)";

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** The file is none of the formats, or a PNG without a workflow; the message says which formats are taken. */
    static final class Unrecognised extends Exception {
        private static final long serialVersionUID = 1L;

        Unrecognised(String message) {
            super(message);
        }
    }

    /**
     * @throws Unrecognised when the bytes are no workflow in a format taken
     * @throws dev.tessera.graph.engine.WorkflowParseException when they are, but cannot be read (with every problem)
     */
    static WorkflowFile read(byte[] bytes, String source, WorkflowEngine engine) throws Unrecognised {
        if (bytes.length >= PNG.length && Arrays.equals(bytes, 0, PNG.length, PNG, 0, PNG.length)) {
            Map<String, String> text;
            try {
                text = PngText.read(bytes, source);
            } catch (IOException e) {
                throw new Unrecognised(e.getMessage() + "; " + FORMATS);
            }
            if (text.containsKey("prompt")) {
                WorkflowFile api = fromText(text.get("prompt"), source + " (its prompt chunk)", engine, "its prompt chunk (API format)");
                String ui = text.get("workflow");
                return ui == null ? api : new WorkflowFile(api.workflow(), api.format(), api.notes(), Map.of("workflow", ui));
            }
            if (text.containsKey("workflow")) return fromText(text.get("workflow"), source + " (its workflow chunk)", engine, "its workflow chunk (UI format)");
            throw new Unrecognised(source + " is a PNG without a \"prompt\" or \"workflow\" text chunk; " + FORMATS);
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Unrecognised(source + " is not UTF-8 text (nor a PNG); " + FORMATS);
        }
        return fromText(json, source, engine, null);
    }

    private static WorkflowFile fromText(String json, String source, WorkflowEngine engine, String chunk) throws Unrecognised {
        JsonElement doc;
        try {
            doc = StrictJson.read(json, engine.limits().maxDepth());
        } catch (StrictJson.Problem e) {
            // Not JSON: the engine's parser reports where, as for any workflow.
            return new WorkflowFile(engine.parse(json, source), chunk, List.of(), Map.of());
        }
        if (UiWorkflow.isUiWorkflow(doc)) {
            UiWorkflow.Conversion c = UiWorkflow.toApi(doc.getAsJsonObject(), engine::nodeType, source);
            Workflow w = engine.parse(c.prompt().toString(), source);
            return new WorkflowFile(w, chunk == null ? "ComfyUI's UI format" : chunk, c.notes(), Map.of("workflow", json));
        }
        if (looksLikeApi(doc)) return new WorkflowFile(engine.parse(json, source), chunk, List.of(), Map.of());
        throw new Unrecognised(source + " is JSON but no workflow (" + describe(doc) + "); " + FORMATS);
    }

    /** An object with at least one node-like entry: the engine's parser then reports what is wrong with the others. */
    private static boolean looksLikeApi(JsonElement doc) {
        if (!doc.isJsonObject()) return false;
        for (Map.Entry<String, JsonElement> e : doc.getAsJsonObject().entrySet()) {
            if (e.getValue() instanceof JsonObject node && (node.has("class_type") || node.has("inputs"))) return true;
        }
        return false;
    }

    private static String describe(JsonElement doc) {
        if (doc.isJsonArray()) return "a list";
        if (!doc.isJsonObject()) return "a single value";
        JsonObject o = doc.getAsJsonObject();
        if (o.isEmpty()) return "an empty object";
        List<String> keys = o.keySet().stream().limit(4).toList();
        return "an object with " + String.join(", ", keys.stream().map(k -> "\"" + k + "\"").toList()) + (o.size() > 4 ? ", ..." : "");
    }
}
