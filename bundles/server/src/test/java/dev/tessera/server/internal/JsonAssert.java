package dev.tessera.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

/** Compares JSON by value (key order and number spelling aside). */
public final class JsonAssert {

    private JsonAssert() {
    }

    /** @param expected JSON text, single quotes allowed for readability */
    public static void assertJson(String expected, Object actual) {
        JsonElement want = JsonParser.parseString(expected.replace('\'', '"'));
        JsonElement got = actual instanceof String s ? JsonParser.parseString(s) : JsonParser.parseString(Json.write(actual));
        assertEquals(want, got, () -> "expected " + want + "\n but got " + got);
    }
}
