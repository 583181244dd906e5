package dev.tessera.server.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tessera.graph.engine.StrictJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The prompts a server has accepted and not finished ({@code serve --persist-queue}), in one JSON file:
 * {@code {"tessera_queue": 1, "prompts": [body, ...]}}, each body a {@code POST /prompt} body with its
 * {@code prompt_id} and {@code number}, so that a restarted server submits them again as they were. The file is
 * replaced whole on every change (written to a temporary file in the same folder, flushed to disk, then renamed
 * over it): a crash leaves the old list or the new one, never part of one.
 */
final class QueueJournal {

    static final String FORMAT = "tessera_queue";

    private final Path file;

    QueueJournal(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    Path file() {
        return file;
    }

    /** The body {@link PromptRequest#parse} reads back to the same prompt, id, client, extra data and number. */
    static JsonObject body(QueueItem item) {
        JsonObject body = new JsonObject();
        body.addProperty("prompt_id", item.promptId());
        body.addProperty("number", item.number());
        if (item.clientId() != null) body.addProperty("client_id", item.clientId());
        body.add("prompt", item.prompt());
        body.add("extra_data", item.extraData());
        return body;
    }

    /** Replaces the journal with these prompts, in the order given. */
    void save(List<QueueItem> items) throws IOException {
        JsonArray prompts = new JsonArray();
        for (QueueItem item : items) prompts.add(body(item));
        JsonObject root = new JsonObject();
        root.addProperty(FORMAT, 1);
        root.add("prompts", prompts);
        byte[] bytes = Json.write(root).getBytes(StandardCharsets.UTF_8);
        Path folder = file.getParent();
        Files.createDirectories(folder);
        Path temp = Files.createTempFile(folder, "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) out.write(buffer);
                out.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The saved bodies as JSON text, oldest first; none when there is no journal yet.
     *
     * @param maxBodyDepth how deep one body may nest
     * @throws IOException naming the file when it cannot be read or is not a journal
     */
    List<String> load(int maxBodyDepth) throws IOException {
        if (!Files.exists(file)) return List.of();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        JsonElement root;
        try {
            root = StrictJson.read(text, maxBodyDepth + 2);
        } catch (StrictJson.Problem p) {
            throw new IOException(file + " is not a queue journal: not valid JSON " + p.describe());
        }
        JsonElement prompts = root.isJsonObject() ? root.getAsJsonObject().get("prompts") : null;
        if (!root.isJsonObject() || !root.getAsJsonObject().has(FORMAT) || prompts == null || !prompts.isJsonArray()) {
            throw new IOException(file + " is not a queue journal: expected {\"" + FORMAT + "\": 1, \"prompts\": [...]}");
        }
        List<String> bodies = new ArrayList<>();
        for (JsonElement body : prompts.getAsJsonArray()) bodies.add(Json.write(body));
        return bodies;
    }

    /** Moves an unreadable journal aside (so the next save does not destroy it) and returns where it went. */
    Path setAside() throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".unreadable-" + System.currentTimeMillis());
        Files.move(file, aside);
        return aside;
    }
}
