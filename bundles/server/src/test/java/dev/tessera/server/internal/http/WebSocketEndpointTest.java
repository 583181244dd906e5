package dev.tessera.server.internal.http;

import static dev.tessera.server.internal.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.server.internal.ServerConfig;
import dev.tessera.server.internal.TestNodes;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /ws} over a real WebSocket: the welcome, a run's event sequence with previews, routing, refusals. */
class WebSocketEndpointTest {

    @TempDir
    Path home;
    TestServer server;
    final HttpClient http = HttpClient.newHttpClient();
    final Semaphore gate = new Semaphore(1000);
    final List<WebSocket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(home, ServerConfig.of(1 << 20, 1 << 20, 100, 64, "test"));
        server.engine.register(TestNodes.intSource());
        server.engine.register(TestNodes.steps(gate));
        server.engine.register(TestNodes.savePng(() -> server.engine.folders().output()));
    }

    @AfterEach
    void stop() throws Exception {
        sockets.forEach(WebSocket::abort);
        gate.release(1000);
        server.close();
    }

    /** Records text messages as JSON and binary messages as bytes, in arrival order. */
    static final class Client implements WebSocket.Listener {
        private final List<Object> received = new ArrayList<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                add(JsonParser.parseString(text.toString()).getAsJsonObject());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            byte[] b = new byte[message.remaining()];
            message.get(b);
            add(new Pong(b));
            ws.request(1);
            return null;
        }

        private synchronized void add(Object message) {
            received.add(message);
            notifyAll();
        }

        synchronized List<Object> received() {
            return List.copyOf(received);
        }

        synchronized Object await(Predicate<Object> test, String what) throws InterruptedException {
            long end = System.currentTimeMillis() + 20_000;
            while (true) {
                for (Object m : received) {
                    if (test.test(m)) return m;
                }
                long left = end - System.currentTimeMillis();
                if (left <= 0) fail("no message " + what + " in " + received);
                wait(left);
            }
        }

        JsonObject awaitEnd(String promptId) throws InterruptedException {
            return (JsonObject) await(m -> m instanceof JsonObject o && o.get("type").getAsString().equals("executing")
                    && o.getAsJsonObject("data").get("node").isJsonNull()
                    && o.getAsJsonObject("data").get("prompt_id").getAsString().equals(promptId), "ending " + promptId);
        }

        /** The messages of one prompt in order: "type[:node]" for JSON, "preview" for binary frames. */
        synchronized List<String> about(String promptId) {
            List<String> out = new ArrayList<>();
            boolean inPrompt = false;
            for (Object m : received) {
                if (m instanceof byte[]) {
                    if (inPrompt) out.add("preview");
                    continue;
                }
                JsonObject o = (JsonObject) m;
                JsonObject d = o.getAsJsonObject("data");
                if (d == null || !d.has("prompt_id") || !d.get("prompt_id").getAsString().equals(promptId)) continue;
                inPrompt = true;
                String type = o.get("type").getAsString();
                if (d.has("node")) type += ":" + (d.get("node").isJsonNull() ? "null" : d.get("node").getAsString());
                out.add(type);
            }
            return out;
        }
    }

    record Pong(byte[] payload) {
    }

    /** The socket of the last {@link #connect}. */
    WebSocket lastSocket() {
        return sockets.get(sockets.size() - 1);
    }

    Client connect(String query, String origin) throws Exception {
        return connectTo("/ws" + query, origin);
    }

    Client connectTo(String pathAndQuery, String origin) throws Exception {
        Client client = new Client();
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (origin != null) b.header("Origin", origin);
        WebSocket ws = b.buildAsync(URI.create("ws://127.0.0.1:" + server.base.getPort() + pathAndQuery), client)
                .get(20, TimeUnit.SECONDS);
        sockets.add(ws);
        return client;
    }

    String submit(String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri("/prompt"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject().get("prompt_id").getAsString();
    }

    static String workflow(int value, int steps) {
        return """
                {"1": {"class_type": "Int", "inputs": {"value": %d}},
                 "2": {"class_type": "Steps", "inputs": {"value": ["1", 0], "steps": %d}},
                 "3": {"class_type": "SavePng", "inputs": {"value": ["2", 0], "filename_prefix": "ws"}}}
                """.formatted(value, steps);
    }

    @Test
    void welcomesWithStatusAndItsSid() throws Exception {
        Client named = connect("?clientId=abc", null);
        assertJson("{'type': 'status', 'data': {'status': {'exec_info': {'queue_remaining': 0}}, 'sid': 'abc'}}",
                named.await(m -> true, "welcome"));
        Client anonymous = connect("", null);
        JsonObject welcome = (JsonObject) anonymous.await(m -> true, "welcome");
        assertTrue(welcome.getAsJsonObject("data").get("sid").getAsString().matches("[0-9a-f]{32}"), welcome::toString);
    }

    @Test
    void streamsARunsEventsWithPreviewsToItsClientOnly() throws Exception {
        Client mine = connect("?clientId=me", null);
        Client other = connect("?clientId=other", null);
        mine.await(m -> true, "welcome");
        String id = submit("{\"prompt\": " + workflow(5, 2) + ", \"client_id\": \"me\"}");
        mine.awaitEnd(id);
        assertEquals(List.of("execution_start", "execution_cached", "executing:1", "executing:2", "progress:2", "preview",
                "progress:2", "preview", "executing:3", "executed:3", "execution_success", "executing:null"), mine.about(id));
        List<byte[]> previews = mine.received().stream().filter(m -> m instanceof byte[]).map(m -> (byte[]) m).toList();
        // Event 1 (preview image), image type 2 (PNG), then the PNG of each step.
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 0, 0, 2}, Arrays.copyOf(previews.get(0), 8));
        assertArrayEquals(TestNodes.png(1), Arrays.copyOfRange(previews.get(0), 8, previews.get(0).length));
        assertArrayEquals(TestNodes.png(2), Arrays.copyOfRange(previews.get(1), 8, previews.get(1).length));
        JsonObject executed = (JsonObject) mine.await(m -> m instanceof JsonObject o && o.get("type").getAsString().equals("executed"), "executed");
        assertJson("{'node': '3', 'display_node': '3', 'prompt_id': '" + id + "', 'output': {'images':"
                + " [{'filename': 'ws_" + id + ".png', 'subfolder': '', 'type': 'output'}]}}", executed.get("data"));
        JsonObject progress = (JsonObject) mine.await(m -> m instanceof JsonObject o && o.get("type").getAsString().equals("progress"), "progress");
        assertJson("{'value': 1, 'max': 2, 'prompt_id': '" + id + "', 'node': '2'}", progress.get("data"));

        // The same prompt again comes from the cache; the output node's images are sent again.
        String again = submit("{\"prompt\": " + workflow(5, 2) + ", \"client_id\": \"me\"}");
        mine.awaitEnd(again);
        assertEquals(List.of("execution_start", "execution_cached", "executed:3", "execution_success", "executing:null"),
                mine.about(again));

        other.await(m -> true, "welcome");
        assertEquals(List.of(), other.about(id), "another client's events are not broadcast");
        assertTrue(other.received().stream().filter(m -> m instanceof JsonObject o && o.get("type").getAsString().equals("status"))
                .count() >= 3, "queue status reaches everyone");
    }

    @Test
    void interruptOverHttpEndsTheRunOnTheSocket() throws Exception {
        gate.drainPermits();
        gate.release(1);
        Client mine = connect("?clientId=me", null);
        String id = submit("{\"prompt\": " + workflow(1, 5) + ", \"client_id\": \"me\"}");
        mine.await(m -> m instanceof JsonObject o && o.get("type").getAsString().equals("progress"), "first step");
        http.send(HttpRequest.newBuilder(server.uri("/interrupt")).POST(HttpRequest.BodyPublishers.ofString("{\"prompt_id\": \"" + id + "\"}")).build(),
                HttpResponse.BodyHandlers.discarding());
        gate.release(10);
        mine.awaitEnd(id);
        List<String> seen = mine.about(id);
        assertEquals("execution_interrupted", seen.get(seen.size() - 2), seen::toString);
    }

    @Test
    void refusesCrossOriginUpgradesAndPlainGets() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> connect("?clientId=x", "http://evil.example"));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(403, handshake.getResponse().statusCode());
        connect("?clientId=y", "http://127.0.0.1:" + server.base.getPort()).await(m -> true, "welcome from the same origin");

        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(server.uri("/ws")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, plain.statusCode());
        assertTrue(plain.body().contains("WebSocket"), plain.body());
    }

    @Test
    void answersPingsIgnoresClientMessagesAndLeavesTheHubOnClose() throws Exception {
        Client client = connect("?clientId=pinger", null);
        client.await(m -> m instanceof JsonObject o && o.get("type").getAsString().equals("status"), "welcome");
        WebSocket ws = lastSocket();
        assertTrue(server.hub.isConnected("pinger"));
        // ComfyUI's /api prefix reaches the same endpoint.
        connectTo("/api/ws?clientId=api-client", null)
                .await(m -> m instanceof JsonObject o && o.get("type").getAsString().equals("status"), "welcome on /api/ws");
        assertTrue(server.hub.isConnected("api-client"));
        ws.sendText("{\"type\": \"feature_flags\", \"data\": {}}", true).get(10, TimeUnit.SECONDS);
        ws.sendPing(ByteBuffer.wrap(new byte[] {1, 2, 3})).get(10, TimeUnit.SECONDS);
        Pong pong = (Pong) client.await(m -> m instanceof Pong, "pong");
        assertArrayEquals(new byte[] {1, 2, 3}, pong.payload());
        // Still served after the client's own message: queue changes reach it.
        String id = submit("{\"prompt\": " + workflow(3, 1) + "}");
        client.await(m -> m instanceof JsonObject o && o.get("type").getAsString().equals("status")
                && !o.getAsJsonObject("data").has("sid"), "a status broadcast after " + id);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        long end = System.currentTimeMillis() + 10_000;
        while (server.hub.isConnected("pinger") && System.currentTimeMillis() < end) Thread.sleep(10);
        assertFalse(server.hub.isConnected("pinger"), "a closed client leaves the hub");
    }

    /** A raw connection: the handshake, then frames as bytes (a client that can send what Java's client cannot). */
    static final class RawSocket implements AutoCloseable {
        final java.net.Socket socket;
        final java.io.DataInputStream in;

        RawSocket(int port, String query) throws Exception {
            socket = new java.net.Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            String head = "GET /ws" + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            in = new java.io.DataInputStream(socket.getInputStream());
            StringBuilder response = new StringBuilder();
            while (!response.toString().endsWith("\r\n\r\n")) response.append((char) in.readUnsignedByte());
            assertTrue(response.toString().startsWith("HTTP/1.1 101"), response.toString());
        }

        /** Sends one masked frame (mask zero: the payload goes as it is). */
        void send(boolean fin, int opcode, byte[] payload) throws Exception {
            var out = new ByteArrayOutputStream();
            out.write((fin ? 0x80 : 0) | opcode);
            out.write(0x80 | payload.length);
            out.write(new byte[4]);
            out.write(payload);
            socket.getOutputStream().write(out.toByteArray());
        }

        /** Reads frames until one with {@code opcode}; returns its payload. */
        byte[] awaitFrame(int opcode) throws Exception {
            while (true) {
                int b0 = in.readUnsignedByte();
                int len = in.readUnsignedByte() & 0x7f;
                if (len == 126) len = in.readUnsignedShort();
                else if (len == 127) len = (int) in.readLong();
                byte[] payload = new byte[len];
                in.readFully(payload);
                if ((b0 & 0x0f) == opcode) return payload;
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    @Test
    void aTextMessageThatIsNotUtf8ClosesWith1007() throws Exception {
        for (byte[][] frames : List.of(
                new byte[][] {{(byte) 0xC3, 0x28}},
                new byte[][] {{'a', 'b'}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}},
                new byte[][] {{'x', (byte) 0xC3}})) {
            try (RawSocket raw = new RawSocket(server.base.getPort(), "?clientId=bad")) {
                raw.awaitFrame(0x1); // the welcome
                for (int i = 0; i < frames.length; i++) raw.send(i == frames.length - 1, i == 0 ? 0x1 : 0x0, frames[i]);
                byte[] close = raw.awaitFrame(0x8);
                assertEquals(1007, ((close[0] & 0xff) << 8) | (close[1] & 0xff));
            }
        }
        // UTF-8 split across frames is fine: the connection stays open and answers a ping.
        try (RawSocket raw = new RawSocket(server.base.getPort(), "?clientId=good")) {
            raw.awaitFrame(0x1);
            raw.send(false, 0x1, new byte[] {'{', '"', (byte) 0xC3});
            raw.send(true, 0x0, new byte[] {(byte) 0xA9, '"', '}'});
            raw.send(true, 0x9, new byte[] {7});
            assertArrayEquals(new byte[] {7}, raw.awaitFrame(0xA));
        }
    }
}
