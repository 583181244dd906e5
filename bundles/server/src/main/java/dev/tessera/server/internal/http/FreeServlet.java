package dev.tessera.server.internal.http;

import dev.tessera.graph.engine.WorkflowEngine;
import dev.tessera.server.internal.Json;
import dev.tessera.server.internal.ServerConfig;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code POST /free} with {@code {unload_models, free_memory}}: either flag drops the engine's cached outputs
 * (models are cached outputs there), closing what they hold. It waits for a running prompt to finish.
 */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT,
        "osgi.http.whiteboard.servlet.pattern=/free",
        "osgi.http.whiteboard.servlet.pattern=/api/free"})
public final class FreeServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient WorkflowEngine engine;
    private final transient ServerConfig config;

    @Activate
    public FreeServlet(@Reference WorkflowEngine engine, @Reference ServerConfig config) {
        this.engine = engine;
        this.config = config;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        var body = Json.parseObject(text(req, config.maxBodyBytes()), "the body of POST /free");
        boolean unload = body.has("unload_models") && QueueServlet.flag(body, "unload_models");
        boolean free = body.has("free_memory") && QueueServlet.flag(body, "free_memory");
        if (unload || free) engine.clearCache();
        ok(resp);
    }
}
