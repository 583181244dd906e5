package dev.tessera.server.internal.http;

import com.google.gson.JsonObject;
import dev.tessera.graph.engine.ParseProblem;
import dev.tessera.graph.engine.UiWorkflow;
import dev.tessera.graph.engine.WorkflowEngine;
import dev.tessera.graph.engine.WorkflowParseException;
import dev.tessera.server.internal.ApiException;
import dev.tessera.server.internal.Json;
import dev.tessera.server.internal.ServerConfig;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code POST /tessera/workflow/api}: a UI-format workflow (the editor's graph, ComfyUI's saved JSON) in, the API
 * prompt out, by the engine's {@link UiWorkflow} (the converter {@code tessera run} uses):
 * {@code {"prompt": {...}, "notes": ["node 6 (...): no node type ... is installed; ..."]}}. A document that is no
 * UI workflow, or one that cannot be read, is 400 {@code invalid_prompt} naming the node.
 */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT,
        "osgi.http.whiteboard.servlet.pattern=/tessera/workflow/api",
        "osgi.http.whiteboard.servlet.pattern=/api/tessera/workflow/api"})
public final class ConvertServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient WorkflowEngine engine;
    private final transient ServerConfig config;

    @Activate
    public ConvertServlet(@Reference WorkflowEngine engine, @Reference ServerConfig config) {
        this.engine = engine;
        this.config = config;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonObject ui = Json.parseObject(text(req, config.maxBodyBytes()), "the workflow", engine.limits().maxDepth() + 1);
        if (!UiWorkflow.isUiWorkflow(ui)) {
            throw ApiException.badRequest("invalid_prompt", "the workflow is not in ComfyUI's UI format (an object with a \"nodes\" list)");
        }
        UiWorkflow.Conversion c;
        try {
            c = UiWorkflow.toApi(ui, engine::nodeType, "the workflow");
        } catch (WorkflowParseException e) {
            throw ApiException.badRequest("invalid_prompt",
                    e.problems().stream().map(ParseProblem::message).collect(Collectors.joining("; ")));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("prompt", c.prompt());
        body.put("notes", c.notes());
        writeJson(resp, 200, body);
    }
}
