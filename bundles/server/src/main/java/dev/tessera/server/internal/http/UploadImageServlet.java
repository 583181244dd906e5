package dev.tessera.server.internal.http;

import dev.tessera.graph.api.Folders;
import dev.tessera.server.internal.ApiException;
import dev.tessera.server.internal.ImageFormat;
import dev.tessera.server.internal.Multipart;
import dev.tessera.server.internal.ServerConfig;
import dev.tessera.server.internal.UserFiles;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code POST /upload/image}: multipart fields {@code image} (the file), {@code type} (input by default, or temp or
 * output), {@code subfolder}, {@code overwrite}. Only PNG, JPEG, GIF, WebP and BMP files are taken, recognised by
 * content, and the name's extension must agree. Answers {@code {name, subfolder, type}}.
 */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT,
        "osgi.http.whiteboard.servlet.pattern=/upload/image",
        "osgi.http.whiteboard.servlet.pattern=/api/upload/image"})
public final class UploadImageServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient UserFiles files;
    private final transient ServerConfig config;

    @Activate
    public UploadImageServlet(@Reference Folders folders, @Reference ServerConfig config) {
        this.files = new UserFiles(folders);
        this.config = config;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        // Read (within the limit) before judging the content type, so a refused request leaves the connection usable.
        byte[] body = body(req, config.maxUploadBytes());
        List<Multipart.Part> parts = Multipart.parse(body, Multipart.boundary(req.getContentType()));
        Multipart.Part image = Multipart.find(parts, "image").filter(p -> p.filename() != null)
                .orElseThrow(() -> ApiException.badRequest("invalid_request", "the form has no file field 'image'"));
        String type = field(parts, "type", "input");
        String subfolder = field(parts, "subfolder", "");
        String overwrite = field(parts, "overwrite", "false").toLowerCase(Locale.ROOT);
        checkImage(image);
        writeJson(resp, 200, files.write(type, subfolder, image.filename(), overwrite.equals("true") || overwrite.equals("1"),
                image.data()));
    }

    private static String field(List<Multipart.Part> parts, String name, String fallback) {
        return Multipart.find(parts, name).map(Multipart.Part::text).map(String::strip).filter(s -> !s.isEmpty())
                .orElse(fallback);
    }

    /** The content must be an image and the name must say which. */
    private static void checkImage(Multipart.Part image) {
        ImageFormat content = ImageFormat.sniff(image.data()).orElseThrow(() -> ApiException.badRequest("invalid_image",
                "'" + image.filename() + "' is not an image: only PNG, JPEG, GIF, WebP and BMP files are accepted"));
        String ext = UserFiles.extension(image.filename());
        ImageFormat named = ImageFormat.forExtension(ext).orElseThrow(() -> ApiException.badRequest("invalid_image",
                "'" + image.filename() + "' must end in .png, .jpg, .jpeg, .gif, .webp or .bmp"));
        if (named != content) {
            throw ApiException.badRequest("invalid_image", "'" + image.filename() + "' holds a " + content
                    + " image but its name says ." + ext);
        }
    }
}
