package dev.tessera.server.internal.http;

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
 * {@code GET /history?max_items&offset}, {@code GET /history/{id}} ({@code {}} when unknown) and
 * {@code POST /history} with {@code {clear: true}} and/or {@code {delete: [ids]}}.
 */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT,
        "osgi.http.whiteboard.servlet.pattern=/history",
        "osgi.http.whiteboard.servlet.pattern=/history/*",
        "osgi.http.whiteboard.servlet.pattern=/api/history",
        "osgi.http.whiteboard.servlet.pattern=/api/history/*"})
public final class HistoryServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient PromptQueue queue;
    private final transient ServerConfig config;

    @Activate
    public HistoryServlet(@Reference PromptQueue queue, @Reference ServerConfig config) {
        this.queue = queue;
        this.config = config;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String id = tail(req);
        if (id != null) {
            writeJson(resp, 200, queue.history().get(id));
            return;
        }
        Integer maxItems = integer(req, "max_items", 0);
        Integer offset = integer(req, "offset", -1);
        writeJson(resp, 200, queue.history().list(maxItems, offset));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String where = "POST /history";
        JsonObject body = Json.parseObject(text(req, config.maxBodyBytes()), "the body of " + where);
        if (body.has("clear") && QueueServlet.flag(body, "clear")) queue.history().clear();
        if (body.has("delete")) queue.history().delete(QueueServlet.ids(body, "delete", where));
        ok(resp);
    }

    private static Integer integer(HttpServletRequest req, String name, int min) {
        String text = req.getParameter(name);
        if (text == null || text.isEmpty()) return null;
        try {
            int v = Integer.parseInt(text);
            if (v < min) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid_request", name + " must be a whole number of at least " + min
                    + ", got '" + text + "'");
        }
    }
}
