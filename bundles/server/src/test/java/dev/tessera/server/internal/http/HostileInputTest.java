package dev.tessera.server.internal.http;

import static dev.tessera.server.internal.JsonAssert.assertJson;
import static dev.tessera.server.internal.http.ServerEndpointsTest.assertError;
import static dev.tessera.server.internal.http.ServerEndpointsTest.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.tessera.server.internal.ServerConfig;
import dev.tessera.server.internal.TestNodes;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile sizes over real HTTP, under the default 32 MiB body limit: answers in ComfyUI's error shape, never a 500. */
class HostileInputTest {

    @TempDir
    Path home;
    ServerEndpointsTest client;

    @BeforeEach
    void start() throws Exception {
        client = new ServerEndpointsTest();
        client.server = new TestServer(home, ServerConfig.of(ServerConfig.DEFAULT_MAX_BODY, 1 << 20, 100, 64, "test"));
        client.server.engine.register(TestNodes.intSource());
        client.server.engine.register(TestNodes.showInt());
        client.server.engine.register(TestNodes.increment());
    }

    @AfterEach
    void stop() throws Exception {
        client.server.close();
    }

    private HttpResponse<byte[]> post(String path, String body) throws Exception {
        return client.post(path, body);
    }

    private String submit(String workflow) throws Exception {
        return client.submit(workflow);
    }

    private JsonObject waitForHistory(String id) throws Exception {
        return client.waitForHistory(id);
    }

    @Test
    void hostileSizesAndDuplicatesAre400sInComfyUisShape() throws Exception {
        int huge = 100_000;
        for (String[] brackets : List.of(new String[] {"[", "]"}, new String[] {"{\"a\": ", "}"})) {
            String deep = "{\"prompt\": {\"1\": {\"class_type\": \"Int\", \"inputs\": {\"value\": "
                    + brackets[0].repeat(huge) + "1" + brackets[1].repeat(huge) + "}}}}";
            HttpResponse<byte[]> r = post("/prompt", deep);
            assertError(r, 400, "invalid_json");
            String message = obj(r).getAsJsonObject("error").get("message").getAsString();
            assertTrue(message.contains("nested deeper than the limit of 101 levels"), message);
        }
        HttpResponse<byte[]> dup = post("/prompt", "{\"prompt\": {\"1\": {\"class_type\": \"Int\", \"inputs\": {\"value\": 1}},"
                + " \"1\": {\"class_type\": \"ShowInt\", \"inputs\": {\"value\": [\"1\", 0]}}}}");
        assertError(dup, 400, "invalid_prompt");
        assertTrue(obj(dup).getAsJsonObject("node_errors").has("1"), () -> obj(dup).toString());
        assertError(post("/prompt", "{\"prompt\": {}, \"prompt\": {}}"), 400, "invalid_json");

        StringBuilder chain = new StringBuilder("{\"1\": {\"class_type\": \"Int\", \"inputs\": {\"value\": 5}}");
        for (int i = 2; i < huge; i++) {
            chain.append(",\"").append(i).append("\": {\"class_type\": \"Inc\", \"inputs\": {\"value\": [\"")
                    .append(i - 1).append("\", 0]}}");
        }
        chain.append(",\"").append(huge).append("\": {\"class_type\": \"ShowInt\", \"inputs\": {\"value\": [\"")
                .append(huge - 1).append("\", 0]}}}");
        String id = submit(chain.toString());
        JsonObject entry = waitForHistory(id);
        assertEquals("success", entry.getAsJsonObject("status").get("status_str").getAsString(), entry.get("status")::toString);
        // 5, then one more for each of the Inc nodes 2 .. 99999
        assertJson("{'" + huge + "': {'values': [" + (5 + huge - 2) + "]}}", entry.get("outputs"));
        String tooMany = "{\"prompt\": " + chain.substring(0, chain.length() - 1) + ", \"extra\": {\"class_type\": \"Int\"}}}";
        HttpResponse<byte[]> r = post("/prompt", tooMany);
        assertError(r, 400, "invalid_prompt");
        assertTrue(obj(r).getAsJsonObject("error").get("message").getAsString().contains("more than the limit of 100000"),
                () -> obj(r).toString());
    }

}
