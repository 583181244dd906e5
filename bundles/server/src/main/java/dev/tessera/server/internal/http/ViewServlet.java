package dev.tessera.server.internal.http;

import dev.tessera.graph.api.Folders;
import dev.tessera.server.internal.ImageFormat;
import dev.tessera.server.internal.UserFiles;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code GET /view?filename&subfolder&type}: a file of the output (default), input or temp folder. Images are
 * served as themselves; any other file as an attachment, so a file a workflow wrote is never run as a page.
 */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT,
        "osgi.http.whiteboard.servlet.pattern=/view",
        "osgi.http.whiteboard.servlet.pattern=/api/view"})
public final class ViewServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private static final Map<String, String> OTHER_TYPES = Map.of("mp4", "video/mp4", "webm", "video/webm",
            "wav", "audio/wav", "mp3", "audio/mpeg", "flac", "audio/flac");

    private final transient UserFiles files;

    @Activate
    public ViewServlet(@Reference Folders folders) {
        this.files = new UserFiles(folders);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String type = req.getParameter("type");
        Path file = files.existing(type == null || type.isEmpty() ? "output" : type, req.getParameter("subfolder"),
                req.getParameter("filename"));
        String name = file.getFileName().toString();
        String ext = UserFiles.extension(name);
        String mediaType = ImageFormat.forExtension(ext).map(ImageFormat::mediaType).orElse(OTHER_TYPES.get(ext));
        resp.setStatus(200);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Cache-Control", "no-cache");
        if (mediaType != null) {
            resp.setContentType(mediaType);
            resp.setHeader("Content-Disposition", "inline; filename=\"" + quoted(name) + "\"");
        } else {
            resp.setContentType("application/octet-stream");
            resp.setHeader("Content-Disposition", "attachment; filename=\"" + quoted(name) + "\"");
        }
        resp.setContentLengthLong(Files.size(file));
        try (OutputStream out = resp.getOutputStream()) {
            Files.copy(file, out);
        }
    }

    private static String quoted(String name) {
        return name.replace("\\", "_").replace("\"", "_");
    }
}
