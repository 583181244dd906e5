package dev.tessera.server.internal.http;

import dev.tessera.graph.api.Folders;
import dev.tessera.server.internal.ModelFolders;
import dev.tessera.server.internal.ServerConfig;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * What ComfyUI clients ask for when they connect, besides the node list: {@code GET /embeddings} (the names of the
 * files in {@code models/embeddings}, without extension), {@code GET /extensions} (front end extension scripts:
 * none) and {@code GET /features} (server feature flags: {@code supports_preview_metadata} false, as previews are
 * sent as plain event 1 frames, and {@code max_upload_size}).
 */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT,
        "osgi.http.whiteboard.servlet.pattern=/embeddings",
        "osgi.http.whiteboard.servlet.pattern=/extensions",
        "osgi.http.whiteboard.servlet.pattern=/features",
        "osgi.http.whiteboard.servlet.pattern=/api/embeddings",
        "osgi.http.whiteboard.servlet.pattern=/api/extensions",
        "osgi.http.whiteboard.servlet.pattern=/api/features"})
public final class ClientInfoServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient ModelFolders models;
    private final transient ServerConfig config;

    @Activate
    public ClientInfoServlet(@Reference Folders folders, @Reference ServerConfig config) {
        this.models = new ModelFolders(folders);
        this.config = config;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath();
        if (path.endsWith("/embeddings")) {
            List<String> names = models.files("embeddings").stream().map(ClientInfoServlet::stem).toList();
            writeJson(resp, 200, names);
        } else if (path.endsWith("/extensions")) {
            writeJson(resp, 200, List.of());
        } else {
            Map<String, Object> features = new LinkedHashMap<>();
            features.put("supports_preview_metadata", false);
            features.put("max_upload_size", config.maxUploadBytes());
            writeJson(resp, 200, features);
        }
    }

    private static String stem(String file) {
        int dot = file.lastIndexOf('.');
        return dot > file.lastIndexOf('/') + 1 ? file.substring(0, dot) : file;
    }
}
