package dev.tessera.server.internal.http;

import static dev.tessera.server.internal.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.ValueType;
import dev.tessera.server.internal.ServerConfig;
import dev.tessera.server.internal.TestNodes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint over real HTTP, with its errors. */
class ServerEndpointsTest {

    static final int MAX_BODY = 4096;
    static final int MAX_UPLOAD = 64 * 1024;

    @TempDir
    Path home;
    TestServer server;
    final HttpClient http = HttpClient.newHttpClient();
    final Semaphore gate = new Semaphore(1000);

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(home, ServerConfig.of(MAX_BODY, MAX_UPLOAD, 100, 64, "0.1.0.test"));
        server.engine.register(TestNodes.intSource());
        server.engine.register(TestNodes.showInt());
        server.engine.register(TestNodes.steps(gate));
        server.engine.register(TestNodes.savePng(() -> server.engine.folders().output()));
    }

    @AfterEach
    void stop() throws Exception {
        gate.release(1000);
        server.close();
    }

    // ---- helpers ----

    HttpResponse<byte[]> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(server.uri(path)).GET());
    }

    HttpResponse<byte[]> post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static JsonElement json(HttpResponse<byte[]> r) {
        return JsonParser.parseString(new String(r.body(), StandardCharsets.UTF_8));
    }

    static JsonObject obj(HttpResponse<byte[]> r) {
        return json(r).getAsJsonObject();
    }

    static void assertError(HttpResponse<byte[]> r, int status, String type) {
        assertEquals(status, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        JsonObject error = obj(r).getAsJsonObject("error");
        assertEquals(type, error.get("type").getAsString(), error::toString);
        assertTrue(error.has("message") && error.has("details") && error.has("extra_info"), error::toString);
    }

    static String savingWorkflow(int value) {
        return """
                {"1": {"class_type": "Int", "inputs": {"value": %d}},
                 "2": {"class_type": "SavePng", "inputs": {"value": ["1", 0], "filename_prefix": "shot"}}}
                """.formatted(value);
    }

    JsonObject waitForHistory(String id) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < end) {
            JsonObject h = obj(get("/history/" + id));
            if (h.has(id)) return h.getAsJsonObject(id);
            Thread.sleep(10);
        }
        throw new AssertionError("prompt " + id + " never reached the history");
    }

    String submit(String workflow) throws Exception {
        HttpResponse<byte[]> r = post("/prompt", "{\"prompt\": " + workflow + "}");
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        return obj(r).get("prompt_id").getAsString();
    }

    // ---- /object_info ----

    @Test
    void objectInfoListsNodeTypesAndFollowsRegistration() throws Exception {
        HttpResponse<byte[]> all = get("/object_info");
        assertEquals(200, all.statusCode());
        assertEquals(List.of("Int", "SavePng", "ShowInt", "Steps"), List.copyOf(obj(all).keySet()));
        assertJson("""
                {'Int': {'input': {'required': {'value': ['INT', {'default': 0, 'min': -1000, 'max': 1000, 'step': 1}]}},
                 'input_order': {'required': ['value']}, 'output': ['INT'], 'output_is_list': [false],
                 'output_name': ['INT'], 'name': 'Int', 'display_name': 'Int', 'description': '', 'category': 'test',
                 'output_node': false}}
                """, json(get("/object_info/Int")));
        assertJson("{}", json(get("/object_info/Nope")));

        var later = server.engine.register(new TestNodes.Node(NodeDescriptor.builder("Later").outputNode(true)
                .input(InputSpec.link("x", ValueType.ANY)).build(), (in, ctx) -> NodeResult.of()));
        assertTrue(obj(get("/object_info")).has("Later"), "a new node type shows at once");
        assertJson("{'required': {'x': ['*']}}", obj(get("/object_info/Later")).getAsJsonObject("Later").get("input"));
        server.engine.unregister(later);
        assertJson("{}", json(get("/object_info/Later")));
        assertTrue(!obj(get("/object_info")).has("Later"), "a removed node type goes at once");
    }

    // ---- /prompt, /history ----

    @Test
    void promptRunsAndItsHistoryHasTheOutputs() throws Exception {
        HttpResponse<byte[]> r = post("/prompt", "{\"prompt\": " + savingWorkflow(9) + ", \"prompt_id\": \"run-1\"}");
        assertEquals(200, r.statusCode());
        assertJson("{'prompt_id': 'run-1', 'number': 0, 'node_errors': {}}", json(r));
        JsonObject entry = waitForHistory("run-1");
        assertJson("{'2': {'images': [{'filename': 'shot_run-1.png', 'subfolder': '', 'type': 'output'}]}}", entry.get("outputs"));
        assertEquals("success", entry.getAsJsonObject("status").get("status_str").getAsString());
        assertEquals("run-1", entry.getAsJsonArray("prompt").get(1).getAsString());

        assertTrue(obj(get("/history")).has("run-1"));
        assertTrue(obj(get("/history?max_items=1")).has("run-1"));
        assertJson("{}", json(get("/history/unknown-id")));
        assertError(get("/history?max_items=many"), 400, "invalid_request");
        assertError(get("/history?offset=-7"), 400, "invalid_request");
        assertJson("{'exec_info': {'queue_remaining': 0}}", json(get("/prompt")));

        assertEquals(200, post("/history", "{\"delete\": [\"run-1\"]}").statusCode());
        assertJson("{}", json(get("/history/run-1")));
        submit(savingWorkflow(10));
        assertEquals(200, post("/history", "{\"clear\": true}").statusCode());
        assertError(post("/history", "{\"delete\": \"run-1\"}"), 400, "invalid_request");
        assertError(post("/history", "{\"clear\": 1}"), 400, "invalid_request");
        assertError(post("/history", "nope"), 400, "invalid_json");
    }

    /** The editor's graph through the engine's UiWorkflow: a Reroute, a Note and a type that is not installed. */
    @Test
    void uiWorkflowsConvertToTheApiPrompt() throws Exception {
        String ui = """
                {"nodes": [
                  {"id": 1, "type": "Int", "mode": 0, "outputs": [{"name": "INT", "type": "INT", "links": [1]}], "widgets_values": [7]},
                  {"id": 2, "type": "Reroute", "mode": 0, "inputs": [{"name": "", "type": "*", "link": 1}],
                   "outputs": [{"name": "", "type": "INT", "links": [2, 3]}]},
                  {"id": 3, "type": "SavePng", "mode": 0, "inputs": [{"name": "value", "type": "INT", "link": 2}],
                   "widgets_values": ["shot"]},
                  {"id": 4, "type": "Note", "mode": 0, "widgets_values": ["hello"]},
                  {"id": 5, "type": "Gone", "mode": 0, "inputs": [{"name": "x", "type": "INT", "link": 3}]}],
                 "links": [[1, 1, 0, 2, 0, "INT"], [2, 2, 0, 3, 0, "INT"], [3, 2, 0, 5, 0, "INT"]], "version": 0.4}
                """;
        for (String path : List.of("/tessera/workflow/api", "/api/tessera/workflow/api")) {
            HttpResponse<byte[]> r = post(path, ui);
            assertEquals(200, r.statusCode(), path);
            assertJson("""
                    {'1': {'inputs': {'value': 7}, 'class_type': 'Int', '_meta': {'title': 'Int'}},
                     '3': {'inputs': {'filename_prefix': 'shot', 'value': ['1', 0]}, 'class_type': 'SavePng', '_meta': {'title': 'SavePng'}}}
                    """, obj(r).get("prompt"));
            assertEquals("node 5 ('Gone'): no node type 'Gone' is installed; left out, since no other node needs its output",
                    obj(r).getAsJsonArray("notes").get(0).getAsString());
            assertEquals(1, obj(r).getAsJsonArray("notes").size());
        }
        assertError(post("/tessera/workflow/api", "{\"1\": {\"class_type\": \"Int\", \"inputs\": {}}}"), 400, "invalid_prompt");
        assertError(post("/tessera/workflow/api", "{\"nodes\": [{\"id\": 1}]}"), 400, "invalid_prompt");
        assertError(post("/tessera/workflow/api", "{\"nodes\": ["), 400, "invalid_json");
    }

    @Test
    void promptErrorsHaveComfyUisShape() throws Exception {
        assertError(post("/prompt", "{\"prompt\": {"), 400, "invalid_json");
        assertError(post("/prompt", "{}"), 400, "no_prompt");
        HttpResponse<byte[]> invalid = post("/prompt", """
                {"prompt": {"1": {"class_type": "Int", "inputs": {"value": "many"}},
                            "2": {"class_type": "ShowInt", "inputs": {"value": ["1", 0]}},
                            "3": {"class_type": "Missing", "inputs": {}}}}""");
        assertError(invalid, 400, "prompt_outputs_failed_validation");
        JsonObject nodeErrors = obj(invalid).getAsJsonObject("node_errors");
        assertEquals(List.of("1", "3"), List.copyOf(nodeErrors.keySet()));
        JsonObject one = nodeErrors.getAsJsonObject("1");
        assertEquals("Int", one.get("class_type").getAsString());
        assertJson("['2']", one.get("dependent_outputs"));
        assertEquals("invalid_input_type", one.getAsJsonArray("errors").get(0).getAsJsonObject().get("type").getAsString());
        assertEquals("unknown_node_type", nodeErrors.getAsJsonObject("3").getAsJsonArray("errors").get(0)
                .getAsJsonObject().get("type").getAsString());
        assertError(post("/prompt", "{\"prompt\": {\"1\": {\"class_type\": \"Int\", \"inputs\": {}}}}"), 400, "prompt_no_outputs");
        HttpResponse<byte[]> malformed = post("/prompt", "{\"prompt\": {\"1\": {\"inputs\": {}}}}");
        assertError(malformed, 400, "invalid_prompt");
        assertTrue(obj(malformed).getAsJsonObject("node_errors").has("1"));
        assertJson("{'queue_running': [], 'queue_pending': []}", json(get("/queue")));
    }

    @Test
    void aModelFolderLinkedOutsideIsNamedWhenTheListIsEmpty() throws Exception {
        // ComfyUI setups often link checkpoints/ to another disk; leading out of models/, it is not listed.
        Path elsewhere = Files.createDirectories(home.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("big.safetensors"), "x");
        Path checkpoints = server.engine.folders().models().resolve("checkpoints");
        Files.deleteIfExists(checkpoints);
        Files.createSymbolicLink(checkpoints, elsewhere);
        server.engine.register(new TestNodes.Node(NodeDescriptor.builder("Ckpt").outputNode(true)
                .input(InputSpec.combo("ckpt_name", () -> server.engine.folders().listModelFiles("checkpoints",
                        List.of(".safetensors")), null)).build(), (in, ctx) -> NodeResult.of()));
        HttpResponse<byte[]> invalid = post("/prompt",
                "{\"prompt\": {\"1\": {\"class_type\": \"Ckpt\", \"inputs\": {\"ckpt_name\": \"big.safetensors\"}}}}");
        assertError(invalid, 400, "prompt_outputs_failed_validation");
        String message = obj(invalid).getAsJsonObject("node_errors").getAsJsonObject("1").getAsJsonArray("errors")
                .get(0).getAsJsonObject().get("message").getAsString();
        assertTrue(message.contains("there are none; 1 entry was skipped because it leads outside "
                + server.engine.folders().models() + ": 'checkpoints'"), message);
    }

    /**
     * Sends only the head of a request announcing a body of {@code length} bytes, and reads the answer: the server
     * must refuse an oversize body before reading it.
     */
    RawResponse headOnly(String method, String path, String contentType, long length) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.base.getPort())) {
            socket.setSoTimeout(20_000);
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.base.getPort()
                    + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            return new RawResponse(status, response.substring(response.indexOf("\r\n\r\n") + 4), response);
        }
    }

    record RawResponse(int status, String body, String all) {
    }

    @Test
    void oversizeBodiesAre413() throws Exception {
        for (String path : List.of("/prompt", "/queue", "/history", "/interrupt", "/free")) {
            RawResponse r = headOnly("POST", path, "application/json", MAX_BODY + 1);
            assertEquals(413, r.status(), r::all);
            assertEquals("request_too_large", JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("error")
                    .get("type").getAsString());
        }
        RawResponse upload = headOnly("POST", "/upload/image", "multipart/form-data; boundary=b", MAX_UPLOAD + 1);
        assertEquals(413, upload.status(), upload::all);
        // Without a Content-Length (chunked), the limit holds while reading.
        String big = "{\"prompt\": {}, \"pad\": \"" + "x".repeat(MAX_BODY) + "\"}";
        HttpResponse<byte[]> chunked = send(HttpRequest.newBuilder(server.uri("/prompt")).POST(
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))));
        assertError(chunked, 413, "request_too_large");
        assertEquals(200, get("/queue").statusCode(), "the server still answers");
    }

    // ---- /queue, /interrupt ----

    @Test
    void queueListsClearsAndDeletesAndInterruptStopsTheRun() throws Exception {
        gate.drainPermits();
        String running = submit(TestWorkflows.steps(1, 5));
        waitFor(() -> obj(get("/queue")).getAsJsonArray("queue_running").size() == 1);
        String b = submit(TestWorkflows.steps(2, 1));
        String c = submit(TestWorkflows.steps(3, 1));
        String d = submit(TestWorkflows.steps(4, 1));
        JsonObject queue = obj(get("/queue"));
        assertEquals(running, queue.getAsJsonArray("queue_running").get(0).getAsJsonArray().get(1).getAsString());
        assertEquals(List.of(b, c, d), ids(queue.getAsJsonArray("queue_pending")));
        assertEquals(5, queue.getAsJsonArray("queue_pending").get(0).getAsJsonArray().size(), "[number, id, prompt, extra, outputs]");
        assertJson("{'exec_info': {'queue_remaining': 4}}", json(get("/prompt")));

        assertEquals(200, post("/queue", "{\"delete\": [\"" + c + "\"]}").statusCode());
        assertEquals(List.of(b, d), ids(obj(get("/queue")).getAsJsonArray("queue_pending")));
        assertEquals(200, post("/queue", "{\"clear\": true}").statusCode());
        assertEquals(List.of(), ids(obj(get("/queue")).getAsJsonArray("queue_pending")));
        assertError(post("/queue", "{\"delete\": [1]}"), 400, "invalid_request");
        assertError(post("/queue", "[]"), 400, "invalid_json");

        assertEquals(200, post("/interrupt", "{\"prompt_id\": \"not-running\"}").statusCode());
        assertError(post("/interrupt", "{\"prompt_id\": 5}"), 400, "invalid_request");
        assertError(post("/interrupt", "{oops"), 400, "invalid_json");
        gate.release(1);
        // An empty body interrupts whatever runs, as the editor's button does.
        assertEquals(200, send(HttpRequest.newBuilder(server.uri("/interrupt")).POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        gate.release(10);
        JsonObject entry = waitForHistory(running);
        assertEquals("error", entry.getAsJsonObject("status").get("status_str").getAsString());
        JsonElement last = entry.getAsJsonObject("status").getAsJsonArray("messages").asList().get(2);
        assertEquals("execution_interrupted", last.getAsJsonArray().get(0).getAsString());
    }

    static List<String> ids(com.google.gson.JsonArray entries) {
        return entries.asList().stream().map(e -> e.getAsJsonArray().get(1).getAsString()).toList();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check check) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        while (!check.ok()) {
            if (System.currentTimeMillis() > end) fail("timed out");
            Thread.sleep(10);
        }
    }

    // ---- /view, /upload/image ----

    @Test
    void viewServesFilesOfTheThreeFoldersOnly() throws Exception {
        String id = submit(savingWorkflow(200));
        JsonObject image = waitForHistory(id).getAsJsonObject("outputs").getAsJsonObject("2").getAsJsonArray("images")
                .get(0).getAsJsonObject();
        String name = image.get("filename").getAsString();
        HttpResponse<byte[]> view = get("/view?filename=" + name + "&subfolder=&type=output");
        assertEquals(200, view.statusCode());
        assertEquals("image/png", view.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(TestNodes.png(200), view.body());
        assertArrayEquals(TestNodes.png(200), get("/view?filename=" + name).body(), "type defaults to output");

        Files.writeString(home.resolve("secret.txt"), "secret");
        assertError(get("/view?filename=../secret.txt&type=output"), 403, "forbidden");
        assertError(get("/view?filename=secret.txt&subfolder=..&type=output"), 403, "forbidden");
        assertError(get("/view?filename=secret.txt&subfolder=%2e%2e&type=input"), 403, "forbidden");
        assertError(get("/view?filename=" + home.resolve("secret.txt") + "&type=output"), 403, "forbidden");
        Files.createSymbolicLink(server.engine.folders().output().resolve("out.png"), home.resolve("secret.txt"));
        assertError(get("/view?filename=out.png&type=output"), 403, "forbidden");
        assertError(get("/view?filename=" + name + "&type=models"), 400, "invalid_request");
        assertError(get("/view?type=output"), 400, "invalid_request");
        assertError(get("/view?filename=none.png"), 404, "not_found");

        Files.writeString(server.engine.folders().output().resolve("page.html"), "<script>alert(1)</script>");
        HttpResponse<byte[]> html = get("/view?filename=page.html");
        assertEquals(200, html.statusCode());
        assertEquals("application/octet-stream", html.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(html.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment"));
    }

    static byte[] multipart(String boundary, String filename, byte[] content, String... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < fields.length; i += 2) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n"
                    + fields[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    HttpResponse<byte[]> upload(String filename, byte[] content, String... fields) throws Exception {
        return send(HttpRequest.newBuilder(server.uri("/upload/image"))
                .header("Content-Type", "multipart/form-data; boundary=----tessera")
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart("----tessera", filename, content, fields))));
    }

    @Test
    void uploadTakesImagesIntoTheInputFolder() throws Exception {
        byte[] png = TestNodes.png(7);
        HttpResponse<byte[]> r = upload("cat.png", png);
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        assertJson("{'name': 'cat.png', 'subfolder': '', 'type': 'input'}", json(r));
        assertArrayEquals(png, Files.readAllBytes(server.engine.folders().input().resolve("cat.png")));
        assertJson("{'name': 'cat (1).png', 'subfolder': '', 'type': 'input'}", json(upload("cat.png", png)));
        assertJson("{'name': 'cat.png', 'subfolder': '', 'type': 'input'}", json(upload("cat.png", TestNodes.png(8), "overwrite", "true")));
        assertArrayEquals(TestNodes.png(8), get("/view?filename=cat.png&type=input").body());
        assertJson("{'name': 'dog.png', 'subfolder': 'pets', 'type': 'temp'}",
                json(upload("dog.png", png, "type", "temp", "subfolder", "pets")));

        assertError(upload("notes.png", "just text".getBytes(StandardCharsets.UTF_8)), 400, "invalid_image");
        assertError(upload("cat.jpg", png), 400, "invalid_image");
        assertError(upload("cat.exe", png), 400, "invalid_image");
        assertError(upload("cat.png", png, "subfolder", "../.."), 403, "forbidden");
        assertError(upload("../cat.png", png), 403, "forbidden");
        // A name with a backslash (as a browser sends it, unescaped) is refused, as names with '/' are.
        assertError(upload("pets\\cat.png", png), 400, "invalid_request");
        assertError(upload("pets\\\\cat.png", png), 400, "invalid_request");
        assertEquals(List.of("cat (1).png", "cat.png"), Files.list(server.engine.folders().input())
                .map(p -> p.getFileName().toString()).sorted().toList());
        assertError(upload("cat.png", png, "type", "models"), 400, "invalid_request");
        assertError(post("/upload/image", "{}"), 400, "invalid_request");
        HttpResponse<byte[]> noFile = send(HttpRequest.newBuilder(server.uri("/upload/image"))
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\ninput\r\n--b--\r\n")));
        assertError(noFile, 400, "invalid_request");
    }

    // ---- /system_stats, /models, /free ----

    @Test
    void systemStatsModelsAndFree() throws Exception {
        JsonObject stats = obj(get("/system_stats"));
        assertTrue(stats.getAsJsonObject("system").get("ram_total").getAsLong() > 0);
        assertEquals("0.1.0.test", stats.getAsJsonObject("system").get("tessera_version").getAsString());
        assertEquals("cpu", stats.getAsJsonArray("devices").get(0).getAsJsonObject().get("type").getAsString());

        Path loras = Files.createDirectories(server.engine.folders().models().resolve("loras/styles"));
        Files.writeString(loras.resolve("ink.safetensors"), "x");
        Files.createDirectories(server.engine.folders().models().resolve("mine"));
        List<String> folders = json(get("/models")).getAsJsonArray().asList().stream().map(JsonElement::getAsString).toList();
        assertTrue(folders.containsAll(List.of("checkpoints", "loras", "vae", "mine")), folders::toString);
        assertJson("['styles/ink.safetensors']", json(get("/models/loras")));
        assertJson("[]", json(get("/models/checkpoints")));
        assertError(get("/models/nope"), 404, "not_found");

        assertEquals(200, post("/free", "{\"unload_models\": true, \"free_memory\": true}").statusCode());
        assertError(post("/free", "{\"free_memory\": \"yes\"}"), 400, "invalid_request");
    }

    // ---- /api aliases, /embeddings, /extensions, /features ----

    @Test
    void everyEndpointAlsoAnswersUnderApiAndClientsGetTheirInfo() throws Exception {
        assertJson(json(get("/object_info/Int")).toString(), json(get("/api/object_info/Int")));
        String id = obj(post("/api/prompt", "{\"prompt\": " + savingWorkflow(5) + "}")).get("prompt_id").getAsString();
        waitForHistory(id);
        assertTrue(obj(get("/api/history/" + id)).has(id));
        assertJson("{'queue_running': [], 'queue_pending': []}", json(get("/api/queue")));
        assertEquals(200, get("/api/system_stats").statusCode());
        assertError(get("/api/view?filename=../x.png"), 403, "forbidden");

        Path embeddings = Files.createDirectories(server.engine.folders().models().resolve("embeddings/styles"));
        Files.writeString(embeddings.resolve("ink.safetensors"), "x");
        Files.writeString(embeddings.getParent().resolve("easy.pt"), "x");
        List<String> names = json(get("/embeddings")).getAsJsonArray().asList().stream().map(JsonElement::getAsString).sorted().toList();
        assertEquals(List.of("easy", "styles/ink"), names);
        assertJson("[]", json(get("/api/extensions")));
        assertJson("{'supports_preview_metadata': false, 'max_upload_size': " + MAX_UPLOAD + "}", json(get("/features")));
    }

    // ---- the editor at / ----

    @Test
    void theEditorIsServedAtTheRootBesideTheApi() throws Exception {
        HttpResponse<byte[]> placeholder = get("/");
        assertEquals(200, placeholder.statusCode());
        assertEquals("text/html;charset=utf-8", placeholder.headers().firstValue("Content-Type").orElseThrow().replace(" ", ""));
        assertTrue(new String(placeholder.body(), StandardCharsets.UTF_8).contains("built without the editor"));

        Files.createDirectories(server.site.resolve("webroot/assets"));
        Files.writeString(server.site.resolve("webroot/index.html"), "<!DOCTYPE html><title>editor</title>");
        Files.writeString(server.site.resolve("webroot/assets/main.js"), "export const x = 1;");
        HttpResponse<byte[]> index = get("/");
        assertEquals("<!DOCTYPE html><title>editor</title>", new String(index.body(), StandardCharsets.UTF_8));
        assertEquals("no-cache", index.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("<!DOCTYPE html><title>editor</title>", new String(get("/index.html").body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> js = get("/assets/main.js");
        assertEquals(200, js.statusCode());
        assertEquals("text/javascript;charset=utf-8", js.headers().firstValue("Content-Type").orElseThrow().replace(" ", ""));
        assertEquals("nosniff", js.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertError(get("/assets"), 404, "not_found");
        assertError(get("/assets/"), 404, "not_found");
        assertError(get("/nothing.js"), 404, "not_found");
        Files.writeString(home.resolve("secret.json"), "{}");
        assertTrue(get("/../secret.json").statusCode() >= 400);
        assertTrue(get("/assets/%2e%2e/%2e%2e/secret.json").statusCode() >= 400);
        // The API keeps its paths.
        assertEquals(200, get("/object_info/Int").statusCode());
        assertEquals(200, get("/queue").statusCode());
    }

    // ---- origin check ----

    @Test
    void crossOriginRequestsAreRefused() throws Exception {
        HttpResponse<byte[]> evil = send(HttpRequest.newBuilder(server.uri("/prompt")).header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": " + savingWorkflow(1) + "}")));
        assertError(evil, 403, "forbidden");
        assertJson("{'queue_running': [], 'queue_pending': []}", json(get("/queue")));
        HttpResponse<byte[]> same = send(HttpRequest.newBuilder(server.uri("/object_info/Int")).header("Origin", server.base.toString()));
        assertEquals(200, same.statusCode());
        // DNS rebinding: another site's name resolved to 127.0.0.1, with a matching Origin.
        String rebound = rawGet("/queue", "Host: evil.example:" + server.base.getPort(),
                "Origin: http://evil.example:" + server.base.getPort());
        assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
        assertTrue(rebound.contains("not a loopback name"), rebound);
        assertTrue(rawGet("/queue", "Host: localhost:" + server.base.getPort()).startsWith("HTTP/1.1 200"));
    }

    /** A GET with exactly these headers (the JDK's client will not send another Host). */
    String rawGet(String path, String... headers) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.base.getPort())) {
            String request = "GET " + path + " HTTP/1.1\r\n" + String.join("\r\n", headers) + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Workflows over the test nodes. */
    static final class TestWorkflows {
        static String steps(int value, int steps) {
            return """
                    {"1": {"class_type": "Int", "inputs": {"value": %d}},
                     "2": {"class_type": "Steps", "inputs": {"value": ["1", 0], "steps": %d}},
                     "3": {"class_type": "ShowInt", "inputs": {"value": ["2", 0]}}}
                    """.formatted(value, steps);
        }
    }

    URI ws(String query) {
        return URI.create("ws://127.0.0.1:" + server.base.getPort() + "/ws" + query);
    }
}
