package dev.tessera.server.internal;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A client that records what it is sent, and lets a test wait for a message. */
public final class RecordingChannel implements ClientChannel {

    private final List<Frame> frames = new ArrayList<>();
    private final Consumer<JsonObject> onMessage;
    private boolean closed;

    public RecordingChannel() {
        this(m -> { });
    }

    /** @param onMessage runs on the sender's thread as each JSON message arrives */
    public RecordingChannel(Consumer<JsonObject> onMessage) {
        this.onMessage = onMessage;
    }

    @Override
    public void send(Frame frame) {
        if (frame instanceof Frame.Text t) onMessage.accept(JsonParser.parseString(t.json()).getAsJsonObject());
        synchronized (this) {
            frames.add(frame);
            notifyAll();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    public synchronized boolean closed() {
        return closed;
    }

    public synchronized List<Frame> frames() {
        return List.copyOf(frames);
    }

    /** The JSON messages so far. */
    public synchronized List<JsonObject> messages() {
        List<JsonObject> out = new ArrayList<>();
        for (Frame f : frames) {
            if (f instanceof Frame.Text t) out.add(JsonParser.parseString(t.json()).getAsJsonObject());
        }
        return out;
    }

    /** The messages about one prompt, as "type" or "type:node" for executing/executed/progress. */
    public List<String> about(String promptId) {
        List<String> out = new ArrayList<>();
        for (JsonObject m : messages()) {
            JsonObject data = m.getAsJsonObject("data");
            if (data == null || !data.has("prompt_id") || !data.get("prompt_id").getAsString().equals(promptId)) continue;
            String type = m.get("type").getAsString();
            if (data.has("node")) {
                type += ":" + (data.get("node").isJsonNull() ? "null" : data.get("node").getAsString());
            }
            out.add(type);
        }
        return out;
    }

    /** Waits (at most 20 s) for a message matching {@code test}. */
    public synchronized JsonObject await(Predicate<JsonObject> test, String what) {
        long end = System.currentTimeMillis() + 20_000;
        while (true) {
            for (JsonObject m : messages()) {
                if (test.test(m)) return m;
            }
            long left = end - System.currentTimeMillis();
            if (left <= 0) fail("no message " + what + " in " + messages());
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(e);
            }
        }
    }

    /** Waits for the end of a prompt: {@code executing} with a null node. */
    public JsonObject awaitEnd(String promptId) {
        return await(m -> isEnd(m, promptId), "ending " + promptId);
    }

    public static boolean isEnd(JsonObject m, String promptId) {
        if (!m.get("type").getAsString().equals("executing")) return false;
        JsonObject d = m.getAsJsonObject("data");
        return d.get("node").isJsonNull() && d.get("prompt_id").getAsString().equals(promptId);
    }

    public static boolean is(JsonObject m, String type, String promptId) {
        JsonObject d = m.getAsJsonObject("data");
        return m.get("type").getAsString().equals(type) && d != null && d.has("prompt_id")
                && d.get("prompt_id").getAsString().equals(promptId);
    }
}
