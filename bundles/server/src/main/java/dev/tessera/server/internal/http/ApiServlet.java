package dev.tessera.server.internal.http;

import dev.tessera.server.internal.ApiException;
import dev.tessera.server.internal.Json;
import dev.tessera.server.internal.OriginCheck;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * What every endpoint shares: the origin check, bounded request bodies (413 past the limit), JSON answers, and
 * {@link ApiException}s turned into their status and ComfyUI-style error body. Subclasses only map a request to
 * the protocol classes.
 */
abstract class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(ApiServlet.class.getName());

    /** Allowed in {@code Host} on a loopback server besides the loopback names (looked up once per servlet). */
    private final transient String machineName = OriginCheck.machineName();

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        String refusal = OriginCheck.hostRefusal(req.getHeader("Host"), req.getLocalAddr(), machineName);
        if (refusal == null) refusal = OriginCheck.refusal(req.getHeader("Origin"), req.getHeader("Host"), req.isSecure(),
                HttpApiContext.allowedOrigins(req));
        try {
            if (refusal != null) throw ApiException.of(403, "forbidden", refusal);
            super.service(req, resp);
        } catch (ApiException e) {
            if (!resp.isCommitted()) {
                resp.reset();
                // The rest of an oversize (or refused) body is never read: the connection cannot carry another
                // request, and a client that reused it would see it closed under its next request.
                if (e.status() == 413 || !bodyRead(req)) resp.setHeader("Connection", "close");
                writeJson(resp, e.status(), e.body());
            }
        } catch (RuntimeException | StackOverflowError e) {
            // A stack overflow is a bug of ours (input depth is limited), but still an answer in the API's shape.
            LOG.log(System.Logger.Level.ERROR, req.getMethod() + " " + req.getRequestURI() + " failed", e);
            if (!resp.isCommitted()) {
                resp.reset();
                ApiException err = ApiException.of(500, "server_error", "the server failed: " + e);
                writeJson(resp, 500, err.body());
            }
        }
    }

    private static boolean bodyRead(HttpServletRequest req) {
        if (req.getContentLengthLong() == 0) return true;
        try {
            return req.getInputStream().isFinished();
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    static void writeJson(HttpServletResponse resp, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    static void ok(HttpServletResponse resp) throws IOException {
        resp.setStatus(200);
        resp.setContentLength(0);
    }

    /**
     * The request body, at most {@code limit} bytes.
     *
     * @throws ApiException 413 when the body is (or announces to be) larger
     */
    static byte[] body(HttpServletRequest req, long limit) throws IOException {
        long announced = req.getContentLengthLong();
        if (announced > limit) throw tooLarge(announced, limit);
        int cap = (int) Math.min(limit, Integer.MAX_VALUE - 16);
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(announced, 1024), cap));
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try (InputStream in = req.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > limit) throw tooLarge(total, limit);
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    static String text(HttpServletRequest req, long limit) throws IOException {
        return new String(body(req, limit), StandardCharsets.UTF_8);
    }

    private static ApiException tooLarge(long size, long limit) {
        return ApiException.of(413, "request_too_large", "the request body is larger than the limit of " + limit
                + " bytes" + (size > 0 ? " (at least " + size + ")" : ""));
    }

    /** The path after the servlet's pattern ({@code /object_info/KSampler} gives {@code KSampler}), or null. */
    static String tail(HttpServletRequest req) {
        String info = req.getPathInfo();
        if (info == null || info.equals("/") || info.isEmpty()) return null;
        return info.startsWith("/") ? info.substring(1) : info;
    }
}
