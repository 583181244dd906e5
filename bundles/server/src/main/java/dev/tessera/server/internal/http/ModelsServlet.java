package dev.tessera.server.internal.http;

import dev.tessera.graph.api.Folders;
import dev.tessera.server.internal.ModelFolders;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code GET /models} (folder names) and {@code GET /models/{folder}} (file names; 404 for an unknown folder). */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT,
        "osgi.http.whiteboard.servlet.pattern=/models",
        "osgi.http.whiteboard.servlet.pattern=/models/*",
        "osgi.http.whiteboard.servlet.pattern=/api/models",
        "osgi.http.whiteboard.servlet.pattern=/api/models/*"})
public final class ModelsServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient ModelFolders models;

    @Activate
    public ModelsServlet(@Reference Folders folders) {
        this.models = new ModelFolders(folders);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String folder = tail(req);
        writeJson(resp, 200, folder == null ? models.folderNames() : models.files(folder));
    }
}
