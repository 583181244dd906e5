package dev.tessera.server.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;

/** Strict JSON in, compact JSON out. Values written are maps, lists, strings, numbers, booleans and Gson trees. */
public final class Json {

    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private Json() {
    }

    public static String write(Object value) {
        return GSON.toJson(value);
    }

    /**
     * Reads a JSON object strictly (no comments, single quotes or trailing text).
     *
     * @param what names the text in messages, e.g. "the body of POST /prompt"
     * @throws ApiException 400 {@code invalid_json} with line and column, or when the text is not an object
     */
    public static JsonObject parseObject(String text, String what) {
        JsonElement root;
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            try {
                root = GSON.fromJson(reader, JsonElement.class);
                if (root != null && reader.peek() != JsonToken.END_DOCUMENT) {
                    throw new JsonParseException("unexpected text after the JSON value " + reader.getPath());
                }
            } catch (JsonParseException | IOException | IllegalStateException e) {
                throw ApiException.badRequest("invalid_json", what + " is not valid JSON: " + message(e));
            }
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", what + " could not be read: " + e.getMessage());
        }
        if (root == null || !root.isJsonObject()) {
            throw ApiException.badRequest("invalid_json", what + " must be a JSON object");
        }
        return root.getAsJsonObject();
    }

    private static String message(Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return String.valueOf(cause.getMessage());
    }
}
