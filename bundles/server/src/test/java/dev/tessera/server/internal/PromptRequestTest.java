package dev.tessera.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptRequestTest {

    @Test
    void readsEveryField() {
        PromptRequest r = PromptRequest.parse("""
                {"prompt": {"1": {"class_type": "Int", "inputs": {"value": 3}}}, "client_id": "c1", "prompt_id": "p1",
                 "extra_data": {"extra_pnginfo": {"workflow": {"nodes": [1, 2]}, "note": "hi"}}, "front": true, "number": 7}
                """);
        assertEquals("c1", r.clientId());
        assertEquals("p1", r.promptId());
        assertTrue(r.front());
        assertEquals(7L, r.number());
        assertTrue(r.prompt().has("1"));
        // ComfyUI copies client_id into extra_data.
        assertEquals("c1", r.extraData().get("client_id").getAsString());
        // Each extra_pnginfo value becomes the JSON text of a PNG chunk.
        assertEquals(Map.of("workflow", "{\"nodes\":[1,2]}", "note", "\"hi\""), r.extraPngInfo());
    }

    @Test
    void optionalFieldsMayBeLeftOut() {
        PromptRequest r = PromptRequest.parse("{\"prompt\": {}}");
        assertNull(r.clientId());
        assertNull(r.promptId());
        assertNull(r.number());
        assertFalse(r.front());
        assertEquals(Map.of(), r.extraPngInfo());
    }

    @Test
    void refusesWhatIsNotAPromptRequest() {
        assertRefused("{\"prompt\": {}", "invalid_json", "not valid JSON");
        assertRefused("{\"prompt\": {}} trailing", "invalid_json", "not valid JSON");
        assertRefused("[1]", "invalid_json", "must be a JSON object");
        assertRefused("", "invalid_json", "must be a JSON object");
        assertRefused("{\"client_id\": \"x\"}", "no_prompt", "No prompt provided");
        assertRefused("{\"prompt\": [1, 0]}", "invalid_prompt", "\"prompt\" must be a JSON object");
        assertRefused("{\"prompt\": {}, \"client_id\": 5}", "invalid_prompt", "\"client_id\" must be a string");
        assertRefused("{\"prompt\": {}, \"prompt_id\": \"\"}", "invalid_prompt", "\"prompt_id\" must be 1 to 200");
        assertRefused("{\"prompt\": {}, \"number\": 1.5}", "invalid_prompt", "\"number\" must be a whole number");
        assertRefused("{\"prompt\": {}, \"front\": \"yes\"}", "invalid_prompt", "\"front\" must be true or false");
        assertRefused("{\"prompt\": {}, \"extra_data\": 3}", "invalid_prompt", "\"extra_data\" must be a JSON object");
        assertRefused("{\"prompt\": {}, \"extra_data\": {\"extra_pnginfo\": [1]}}", "invalid_prompt", "extra_pnginfo");
    }

    private static void assertRefused(String body, String type, String messagePart) {
        ApiException e = assertThrows(ApiException.class, () -> PromptRequest.parse(body), body);
        assertEquals(400, e.status());
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) e.body().get("error");
        assertEquals(type, error.get("type"), body);
        assertTrue(String.valueOf(error.get("message")).contains(messagePart), () -> body + " -> " + error.get("message"));
        assertEquals(Map.of(), e.body().get("node_errors"));
    }
}
