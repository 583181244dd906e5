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
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code POST /interrupt} with an optional {@code {prompt_id}}: stops that prompt if it is the one running, or
 * without an id whatever runs. An empty body is allowed, as ComfyUI's editor sends one.
 */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT,
        "osgi.http.whiteboard.servlet.pattern=/interrupt",
        "osgi.http.whiteboard.servlet.pattern=/api/interrupt"})
public final class InterruptServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient PromptQueue queue;
    private final transient ServerConfig config;

    @Activate
    public InterruptServlet(@Reference PromptQueue queue, @Reference ServerConfig config) {
        this.queue = queue;
        this.config = config;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String text = text(req, config.maxBodyBytes());
        String promptId = null;
        if (!text.isBlank()) {
            JsonObject body = Json.parseObject(text, "the body of POST /interrupt");
            JsonElement id = body.get("prompt_id");
            if (id != null && !id.isJsonNull()) {
                if (!(id.isJsonPrimitive() && id.getAsJsonPrimitive().isString())) {
                    throw ApiException.badRequest("invalid_request", "\"prompt_id\" must be a string");
                }
                promptId = id.getAsString();
            }
        }
        queue.interrupt(promptId);
        ok(resp);
    }
}
