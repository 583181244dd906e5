package dev.tessera.server.internal.http;

import dev.tessera.server.internal.ApiException;
import dev.tessera.server.internal.WebRoot;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The editor at {@code /}: the whiteboard's default servlet, so every path no endpoint claims comes here and is
 * either one of the editor's files or a 404 (never a folder listing). {@code index.html} is revalidated on every
 * load so a new build shows at once; the hashed assets a build emits may be cached.
 */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT, "osgi.http.whiteboard.servlet.pattern=/"})
public final class WebRootServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient WebRoot root;

    @Activate
    public WebRootServlet() {
        this(new WebRoot(WebRootServlet.class.getClassLoader()::getResource));
    }

    /** Files from elsewhere (tests). */
    WebRootServlet(WebRoot root) {
        this.root = root;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        Optional<WebRoot.Asset> asset = root.find(path);
        if (asset.isEmpty()) throw ApiException.of(404, "not_found", "no file at " + path);
        WebRoot.Asset a = asset.get();
        resp.setStatus(200);
        resp.setContentType(a.contentType());
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Cache-Control", a.path().endsWith(".html") ? "no-cache" : "max-age=3600");
        resp.setContentLength(a.bytes().length);
        if (!req.getMethod().equals("HEAD")) resp.getOutputStream().write(a.bytes());
    }
}
