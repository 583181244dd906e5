package dev.tessera.server.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.tessera.graph.engine.ParseProblem;
import dev.tessera.graph.engine.StrictJson;
import dev.tessera.graph.engine.WorkflowLimits;
import dev.tessera.graph.engine.WorkflowParseException;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of {@code POST /prompt}: {@code {prompt, client_id?, prompt_id?, extra_data?, front?, number?}}.
 *
 * @param prompt    the workflow in API format
 * @param clientId  the WebSocket client to send this prompt's events to, or null for every client
 * @param promptId  the id the client chose, or null
 * @param extraData ComfyUI's {@code extra_data}, with {@code client_id} copied in as ComfyUI does
 * @param front     queue before everything pending
 * @param number    the queue position the client chose, or null
 */
public record PromptRequest(JsonObject prompt, String clientId, String promptId, JsonObject extraData, boolean front,
        Long number) {

    private static final int MAX_ID_LENGTH = 200;

    public static PromptRequest parse(String body) {
        return parse(body, WorkflowLimits.DEFAULT_MAX_DEPTH + 1);
    }

    /** @param maxDepth how deep the body may nest: one more than a workflow may */
    public static PromptRequest parse(String body, int maxDepth) {
        JsonObject root;
        try {
            root = Json.parseObject(body, "the body of POST /prompt", maxDepth);
        } catch (ApiException e) {
            if (e.getCause() instanceof StrictJson.Problem p && p.duplicateName() != null && p.depth() == 2
                    && p.path().startsWith("$.prompt.")) {
                // A node id given twice is a problem of the workflow, reported under its node as the engine does.
                WorkflowParseException wpe = new WorkflowParseException("prompt",
                        List.of(ParseProblem.duplicateNode(p.duplicateName(), p.line(), p.column())), p.line(), p.column());
                throw new ApiException(400, PromptQueue.parseErrorBody(wpe), wpe.getMessage());
            }
            throw e;
        }
        JsonElement prompt = root.get("prompt");
        if (prompt == null || prompt.isJsonNull()) {
            throw ApiException.badRequest("no_prompt", "No prompt provided: the body needs a \"prompt\" object");
        }
        if (!prompt.isJsonObject()) {
            throw ApiException.badRequest("invalid_prompt", "\"prompt\" must be a JSON object of nodes keyed by id");
        }
        String clientId = optionalId(root, "client_id");
        String promptId = optionalId(root, "prompt_id");
        JsonObject extra = new JsonObject();
        JsonElement extraData = root.get("extra_data");
        if (extraData != null && !extraData.isJsonNull()) {
            if (!extraData.isJsonObject()) {
                throw ApiException.badRequest("invalid_prompt", "\"extra_data\" must be a JSON object");
            }
            extra = extraData.getAsJsonObject().deepCopy();
        }
        if (clientId != null) extra.addProperty("client_id", clientId);
        JsonElement pngInfo = extra.get("extra_pnginfo");
        if (pngInfo != null && !pngInfo.isJsonNull() && !pngInfo.isJsonObject()) {
            throw ApiException.badRequest("invalid_prompt", "\"extra_data.extra_pnginfo\" must be a JSON object");
        }
        boolean front = false;
        JsonElement f = root.get("front");
        if (f != null && !f.isJsonNull()) {
            if (!(f.isJsonPrimitive() && f.getAsJsonPrimitive().isBoolean())) {
                throw ApiException.badRequest("invalid_prompt", "\"front\" must be true or false");
            }
            front = f.getAsBoolean();
        }
        Long number = null;
        JsonElement n = root.get("number");
        if (n != null && !n.isJsonNull()) {
            number = wholeNumber(n);
        }
        return new PromptRequest(prompt.getAsJsonObject().deepCopy(), clientId, promptId, extra, front, number);
    }

    /** {@code extra_data.extra_pnginfo} as PNG text chunks: each key's value as JSON text, as ComfyUI writes them. */
    public Map<String, String> extraPngInfo() {
        Map<String, String> out = new LinkedHashMap<>();
        JsonElement info = extraData.get("extra_pnginfo");
        if (info != null && info.isJsonObject()) {
            info.getAsJsonObject().entrySet().forEach(e -> out.put(e.getKey(), Json.write(e.getValue())));
        }
        return out;
    }

    private static String optionalId(JsonObject root, String key) {
        JsonElement e = root.get(key);
        if (e == null || e.isJsonNull()) return null;
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString())) {
            throw ApiException.badRequest("invalid_prompt", "\"" + key + "\" must be a string");
        }
        String s = e.getAsString();
        if (s.isBlank() || s.length() > MAX_ID_LENGTH || s.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("invalid_prompt", "\"" + key + "\" must be 1 to " + MAX_ID_LENGTH
                    + " printable characters");
        }
        return s;
    }

    private static long wholeNumber(JsonElement n) {
        if (n.isJsonPrimitive() && n.getAsJsonPrimitive().isNumber()) {
            JsonPrimitive p = n.getAsJsonPrimitive();
            double d = p.getAsDouble();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) return (long) d;
        }
        throw ApiException.badRequest("invalid_prompt", "\"number\" must be a whole number, got " + n);
    }
}
