package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code tessera.jar serve --port N} as a user runs it: a separate JVM on a free port, talked to over real HTTP
 * and WebSocket the way ComfyUI clients do, then stopped with SIGTERM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeIT {

    static final Path REPO = TesseraFramework.repo();
    static final Path JAR = TesseraFramework.appJar();
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    Path work;
    Process process;
    Path stderr;
    URI base;
    final HttpClient http = HttpClient.newHttpClient();

    /** The sample images the server's input folder starts with. */
    static final List<String> INPUTS = List.of("mosaic.png", "contextgen-ref-a.png", "contextgen-ref-b.png");

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("tessera.itest.dir"))), "serve");
        Files.createDirectories(work.resolve("input"));
        for (String image : INPUTS) {
            Files.copy(REPO.resolve("sample-workflows/input").resolve(image), work.resolve("input").resolve(image));
        }
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        stderr = work.resolve("stderr.txt");
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString(),
                "serve", "--port", Integer.toString(port), "--input", "input", "--models",
                REPO.resolve("sample-workflows/models").toString());
        process = new ProcessBuilder(command).directory(work.toFile()).redirectError(stderr.toFile()).start();
        process.getOutputStream().close();
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        String line = firstLine.get(120, TimeUnit.SECONDS);
        assertEquals("http://127.0.0.1:" + port + "/", line, this::log);
        base = URI.create(line);
    }

    @AfterAll
    void stop() throws Exception {
        if (process == null) return;
        process.destroy(); // SIGTERM: the launcher stops the framework, which ends the serve command
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        if (!ended) process.destroyForcibly();
        assertTrue(ended, "serve did not end on SIGTERM\n" + log());
        assertEquals(143, process.exitValue(), "docs/server.md: 128 + 15 after a clean stop on SIGTERM\n" + log());
        assertFalse(log().contains("\tat "), this::log);
    }

    @Test
    void ctrlCStopsCleanlyWithExitCode130() throws Exception {
        // A process started in the background by a non-interactive shell ignores SIGINT, and its children inherit
        // that (POSIX): serve would then never see the signal. A terminal's Ctrl+C is not affected.
        assumeFalse(sigintIgnored(), "this test's JVM ignores SIGINT (started in the background), so serve would too");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path err = work.resolve("sigint-stderr.txt");
        Process other = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString(),
                "serve", "--port", Integer.toString(port)).directory(work.toFile()).redirectError(err.toFile()).start();
        try {
            other.getOutputStream().close();
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8)).readLine();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).get(120, TimeUnit.SECONDS);
            assertEquals("http://127.0.0.1:" + port + "/", line);
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(other.pid())).start().waitFor());
            assertTrue(other.waitFor(60, TimeUnit.SECONDS), "serve did not end on SIGINT");
            assertEquals(130, other.exitValue(), "docs/server.md: 128 + 2 after a clean stop on SIGINT (Ctrl+C)");
            assertFalse(Files.readString(err).contains("\tat "), () -> err.toString());
        } finally {
            other.destroyForcibly();
        }
    }

    String log() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonObject json(HttpResponse<byte[]> r) {
        return JsonParser.parseString(new String(r.body(), StandardCharsets.UTF_8)).getAsJsonObject();
    }

    @Test
    void servesTheApiAndTheEditorOnLoopbackOnly() throws Exception {
        JsonObject stats = json(get("/system_stats"));
        assertEquals("cpu", stats.getAsJsonArray("devices").get(0).getAsJsonObject().get("type").getAsString());
        JsonObject loadImage = json(get("/object_info/LoadImage")).getAsJsonObject("LoadImage");
        assertEquals("image", loadImage.get("category").getAsString());
        JsonArray images = loadImage.getAsJsonObject("input").getAsJsonObject("required").getAsJsonArray("image")
                .get(0).getAsJsonArray();
        assertTrue(images.contains(JsonParser.parseString("\"mosaic.png\"")), images::toString);
        JsonObject all = json(get("/object_info"));
        assertTrue(all.has("KSampler") && all.has("SaveImage") && all.has("PrimitiveInt"), () -> all.keySet().toString());
        HttpResponse<byte[]> root = get("/");
        assertEquals(200, root.statusCode());
        assertTrue(root.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String page = new String(root.body(), StandardCharsets.UTF_8);
        assertTrue(page.toLowerCase().contains("<html"), page);
        assertFalse(page.contains("built without the editor"), "the editor is embedded, not the placeholder");
        // Every script and style the page names is served with its type.
        java.util.regex.Matcher refs = java.util.regex.Pattern.compile("(?:src|href)=\"\\./([^\"]+\\.(js|css))\"").matcher(page);
        int assets = 0;
        while (refs.find()) {
            HttpResponse<byte[]> asset = get("/" + refs.group(1));
            assertEquals(200, asset.statusCode(), refs.group(1));
            String type = asset.headers().firstValue("Content-Type").orElse("");
            assertTrue(type.startsWith(refs.group(2).equals("js") ? "text/javascript" : "text/css"), refs.group(1) + " " + type);
            assets++;
        }
        assertTrue(assets >= 1, "the page names no script: " + page);
        assertEquals(404, get("/no-such-file.js").statusCode());
        assertEquals(404, get("/assets/").statusCode(), "no folder listing");

        // Safe by default: nothing answers on this machine's other addresses.
        Optional<InetAddress> other = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        if (other.isPresent()) {
            assertThrows(IOException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(other.get(), base.getPort()), 2000);
                }
            }, "the server answers on " + other.get());
        }
    }

    /** ComfyUI's WebSocket messages, JSON and binary, as a client collects them. */
    static final class Messages implements WebSocket.Listener {
        final List<JsonObject> json = new CopyOnWriteArrayList<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                json.add(JsonParser.parseString(text.toString()).getAsJsonObject());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ws.request(1);
            return null;
        }

        JsonObject await(Predicate<JsonObject> which, String what) throws InterruptedException {
            long end = System.currentTimeMillis() + 120_000;
            while (System.currentTimeMillis() < end) {
                for (JsonObject m : json) {
                    if (which.test(m)) return m;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no " + what + " among " + json);
        }
    }

    @Test
    void runsTheSampleWorkflowFollowedOverTheWebSocket() throws Exception {
        Messages messages = new Messages();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + base.getPort() + "/ws?clientId=itest"), messages)
                .get(30, TimeUnit.SECONDS);
        try {
            JsonObject welcome = messages.await(m -> m.get("type").getAsString().equals("status"), "status");
            assertEquals("itest", welcome.getAsJsonObject("data").get("sid").getAsString());

            String workflow = Files.readString(REPO.resolve("sample-workflows/image-roundtrip.json"));
            HttpResponse<byte[]> queued = post("/prompt", "{\"prompt\": " + workflow + ", \"client_id\": \"itest\"}");
            assertEquals(200, queued.statusCode(), () -> new String(queued.body(), StandardCharsets.UTF_8));
            String id = json(queued).get("prompt_id").getAsString();

            messages.await(m -> m.get("type").getAsString().equals("execution_start")
                    && m.getAsJsonObject("data").get("prompt_id").getAsString().equals(id), "execution_start");
            JsonObject executed = messages.await(m -> m.get("type").getAsString().equals("executed")
                    && m.getAsJsonObject("data").get("node").getAsString().equals("4"), "executed of SaveImage");
            messages.await(m -> m.get("type").getAsString().equals("executing")
                    && m.getAsJsonObject("data").get("node").isJsonNull()
                    && m.getAsJsonObject("data").get("prompt_id").getAsString().equals(id), "the end of the prompt");
            messages.await(m -> m.get("type").getAsString().equals("execution_success"), "execution_success");

            JsonObject saved = executed.getAsJsonObject("data").getAsJsonObject("output").getAsJsonArray("images")
                    .get(0).getAsJsonObject();
            assertEquals("output", saved.get("type").getAsString());
            JsonObject history = json(get("/history/" + id)).getAsJsonObject(id);
            assertTrue(history.getAsJsonObject("status").get("completed").getAsBoolean(), history::toString);
            assertEquals(saved, history.getAsJsonObject("outputs").getAsJsonObject("4").getAsJsonArray("images").get(0));

            HttpResponse<byte[]> image = get("/view?filename=" + saved.get("filename").getAsString() + "&subfolder="
                    + saved.get("subfolder").getAsString() + "&type=output");
            assertEquals(200, image.statusCode());
            assertEquals("image/png", image.headers().firstValue("Content-Type").orElse(""));
            byte[] head = new byte[8];
            System.arraycopy(image.body(), 0, head, 0, 8);
            assertArrayEquals(PNG_SIGNATURE, head);
            assertEquals(256, ByteBuffer.wrap(image.body(), 16, 4).getInt(), "IHDR width of the scaled image");
            Path onDisk = work.resolve("output").resolve(saved.get("subfolder").getAsString())
                    .resolve(saved.get("filename").getAsString());
            assertArrayEquals(Files.readAllBytes(onDisk), image.body());
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }

    /** The ContextGen sample (FLUX, T5, CLIP, autoencoder, references, flow-match KSampler) queued over HTTP. */
    @Test
    void runsTheContextGenSampleAndListsItsModels() throws Exception {
        JsonArray diffusionModels = JsonParser.parseString(new String(get("/models/diffusion_models").body(),
                StandardCharsets.UTF_8)).getAsJsonArray();
        assertTrue(diffusionModels.contains(new com.google.gson.JsonPrimitive("tiny-flux.safetensors")),
                diffusionModels::toString);
        String workflow = Files.readString(REPO.resolve("sample-workflows/contextgen-flux-kontext.json"));
        HttpResponse<byte[]> queued = post("/prompt", "{\"prompt\": " + workflow + ", \"client_id\": \"itest-cg\"}");
        assertEquals(200, queued.statusCode(), () -> new String(queued.body(), StandardCharsets.UTF_8));
        String id = json(queued).get("prompt_id").getAsString();
        JsonObject entry = null;
        for (int i = 0; i < 600 && entry == null; i++) {
            JsonObject history = json(get("/history/" + id));
            if (history.has(id) && history.getAsJsonObject(id).getAsJsonObject("status").get("completed")
                    .getAsBoolean()) {
                entry = history.getAsJsonObject(id);
            } else {
                Thread.sleep(200);
            }
        }
        assertTrue(entry != null, "the prompt completes: " + log());
        JsonObject saved = entry.getAsJsonObject("outputs").getAsJsonObject("17").getAsJsonArray("images").get(0)
                .getAsJsonObject();
        HttpResponse<byte[]> image = get("/view?filename=" + saved.get("filename").getAsString() + "&subfolder="
                + saved.get("subfolder").getAsString() + "&type=output");
        assertEquals(200, image.statusCode());
        assertEquals(128, ByteBuffer.wrap(image.body(), 16, 4).getInt(), "IHDR width: the layout's canvas");
    }

    @Test
    void refusesInvalidPromptsPathsOutsideAndNonImages() throws Exception {
        HttpResponse<byte[]> invalid = post("/prompt", "{\"prompt\": {\"1\": {\"class_type\": \"ImageScale\", \"inputs\": {}}}}");
        assertEquals(400, invalid.statusCode());
        JsonObject body = json(invalid);
        assertEquals("prompt_no_outputs", body.getAsJsonObject("error").get("type").getAsString(), body::toString);
        assertEquals(400, post("/prompt", "{\"prompt\": {\"1\": {\"class_type\": \"Nope\", \"inputs\": {}}}}").statusCode());
        assertEquals(403, get("/view?filename=../input/mosaic.png&type=output").statusCode());
        String boundary = "tessera-itest";
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n"
                + "Content-Type: image/png\r\n\r\nnot an image\r\n--" + boundary + "--\r\n";
        HttpResponse<byte[]> upload = http.send(HttpRequest.newBuilder(base.resolve("/upload/image"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(400, upload.statusCode());
        assertEquals("invalid_image", json(upload).getAsJsonObject("error").get("type").getAsString());
        List<String> none = new ArrayList<>();
        try (var files = Files.list(work.resolve("input"))) {
            files.map(p -> p.getFileName().toString()).filter(n -> !INPUTS.contains(n)).forEach(none::add);
        }
        assertEquals(List.of(), none, "a refused upload leaves no file");
    }

    /** Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status; false where that cannot be read). */
    private static boolean sigintIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) return (Long.parseLong(line.substring(7).trim(), 16) & 0x2) != 0;
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
