package dev.tessera.server.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tessera.graph.engine.StrictJson;
import dev.tessera.graph.engine.WorkflowLimits;

/** Strict JSON in, compact JSON out. Values written are maps, lists, strings, numbers, booleans and Gson trees. */
public final class Json {

    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private Json() {
    }

    public static String write(Object value) {
        return GSON.toJson(value);
    }

    /** {@link #parseObject(String, String, int)} nested at most as deep as a workflow may be by default. */
    public static JsonObject parseObject(String text, String what) {
        return parseObject(text, what, WorkflowLimits.DEFAULT_MAX_DEPTH + 1);
    }

    /**
     * Reads a JSON object strictly (no comments, single quotes, trailing text or names given twice), without
     * recursion.
     *
     * @param what     names the text in messages, e.g. "the body of POST /prompt"
     * @param maxDepth how deep objects and arrays may nest (the object itself is 1)
     * @throws ApiException 400 {@code invalid_json} with line and column, or when the text is not an object
     */
    public static JsonObject parseObject(String text, String what, int maxDepth) {
        if (text == null || text.isBlank()) throw ApiException.badRequest("invalid_json", what + " must be a JSON object");
        JsonElement root;
        try {
            root = StrictJson.read(text, maxDepth);
        } catch (StrictJson.Problem p) {
            ApiException e = ApiException.badRequest("invalid_json", what + " is not valid JSON " + p.describe());
            e.initCause(p);
            throw e;
        }
        if (root == null || !root.isJsonObject()) {
            throw ApiException.badRequest("invalid_json", what + " must be a JSON object");
        }
        return root.getAsJsonObject();
    }
}
