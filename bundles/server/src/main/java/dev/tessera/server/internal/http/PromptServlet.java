package dev.tessera.server.internal.http;

import dev.tessera.server.internal.EventFrames;
import dev.tessera.server.internal.PromptQueue;
import dev.tessera.server.internal.PromptRequest;
import dev.tessera.server.internal.ServerConfig;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code POST /prompt}: validate and queue, answering {@code {prompt_id, number, node_errors}} or 400 with ComfyUI's
 * {@code {error, node_errors}}; {@code GET /prompt}: {@code {exec_info: {queue_remaining}}}.
 */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT,
        "osgi.http.whiteboard.servlet.pattern=/prompt",
        "osgi.http.whiteboard.servlet.pattern=/api/prompt"})
public final class PromptServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient PromptQueue queue;
    private final transient ServerConfig config;

    @Activate
    public PromptServlet(@Reference PromptQueue queue, @Reference ServerConfig config) {
        this.queue = queue;
        this.config = config;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        writeJson(resp, 200, EventFrames.statusBody(queue.remaining()));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        PromptRequest request = PromptRequest.parse(text(req, config.maxBodyBytes()), queue.maxBodyDepth());
        PromptQueue.Submitted submitted = queue.submit(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("prompt_id", submitted.promptId());
        body.put("number", submitted.number());
        body.put("node_errors", Map.of());
        writeJson(resp, 200, body);
    }
}
