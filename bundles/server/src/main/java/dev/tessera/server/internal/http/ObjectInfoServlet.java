package dev.tessera.server.internal.http;

import dev.tessera.graph.engine.WorkflowEngine;
import dev.tessera.server.internal.ApiException;
import dev.tessera.server.internal.ObjectInfo;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code GET /object_info} and {@code GET /object_info/{type}} ({@code {}} for an unknown type, as ComfyUI). */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT,
        "osgi.http.whiteboard.servlet.pattern=/object_info",
        "osgi.http.whiteboard.servlet.pattern=/object_info/*",
        "osgi.http.whiteboard.servlet.pattern=/api/object_info",
        "osgi.http.whiteboard.servlet.pattern=/api/object_info/*"})
public final class ObjectInfoServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient WorkflowEngine engine;

    @Activate
    public ObjectInfoServlet(@Reference WorkflowEngine engine) {
        this.engine = engine;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String type = tail(req);
        if (type == null) {
            writeJson(resp, 200, ObjectInfo.all(engine.nodeTypes()));
            return;
        }
        var descriptor = engine.nodeType(type);
        if (descriptor.isEmpty()) {
            writeJson(resp, 200, Map.of());
            return;
        }
        Map<String, Object> info;
        try {
            info = ObjectInfo.describe(descriptor.get());
        } catch (IllegalStateException e) {
            throw ApiException.of(500, "node_type_error", e.getMessage());
        }
        writeJson(resp, 200, Map.of(type, info));
    }
}
