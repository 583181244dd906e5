package dev.tessera.server.internal.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tessera.server.internal.ApiException;
import dev.tessera.server.internal.Json;
import dev.tessera.server.internal.PromptQueue;
import dev.tessera.server.internal.ServerConfig;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code GET /queue}: {@code {queue_running, queue_pending}}; {@code POST /queue} with {@code {clear: true}} and/or
 * {@code {delete: [prompt ids]}} removes waiting prompts.
 */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT,
        "osgi.http.whiteboard.servlet.pattern=/queue",
        "osgi.http.whiteboard.servlet.pattern=/api/queue"})
public final class QueueServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient PromptQueue queue;
    private final transient ServerConfig config;

    @Activate
    public QueueServlet(@Reference PromptQueue queue, @Reference ServerConfig config) {
        this.queue = queue;
        this.config = config;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        writeJson(resp, 200, queue.queueBody());
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonObject body = Json.parseObject(text(req, config.maxBodyBytes()), "the body of POST /queue");
        if (body.has("clear") && flag(body, "clear")) queue.clearPending();
        if (body.has("delete")) queue.deletePending(ids(body, "delete", "POST /queue"));
        ok(resp);
    }

    static boolean flag(JsonObject body, String key) {
        JsonElement e = body.get(key);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) return e.getAsBoolean();
        throw ApiException.badRequest("invalid_request", "\"" + key + "\" must be true or false");
    }

    static List<String> ids(JsonObject body, String key, String where) {
        JsonElement e = body.get(key);
        if (!e.isJsonArray()) throw ApiException.badRequest("invalid_request", where + ": \"" + key + "\" must be a list of prompt ids");
        List<String> ids = new ArrayList<>();
        for (JsonElement id : e.getAsJsonArray()) {
            if (!(id.isJsonPrimitive() && id.getAsJsonPrimitive().isString())) {
                throw ApiException.badRequest("invalid_request", where + ": \"" + key + "\" must hold prompt ids as strings, got " + id);
            }
            ids.add(id.getAsString());
        }
        return ids;
    }
}
