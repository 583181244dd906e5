package dev.tessera.server.internal.http;

import dev.tessera.server.internal.ApiException;
import dev.tessera.server.internal.ClientHub;
import dev.tessera.server.internal.OriginCheck;
import dev.tessera.server.internal.PromptQueue;
import dev.tessera.server.internal.ServerConfig;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.util.FutureCallback;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketMappings;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code /ws?clientId=...}: ComfyUI's event stream. The servlet upgrades the request itself with Jetty's core
 * WebSocket API (the RFC 6455 handshake and framing of {@code jetty-websocket-core-server}), reached through the
 * Jetty request under the whiteboard's wrappers. This needs only Jetty's two core WebSocket bundles next to Felix
 * HTTP Jetty 12, where its ee10 WebSocket container would also need the webapp bundle and a ServiceLoader mediator
 * (SPI Fly), and Jetty 12.0's ee10 {@code HttpServletRequest.upgrade} is not implemented. Plain GETs get a 400.
 */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT,
        "osgi.http.whiteboard.servlet.pattern=/ws",
        "osgi.http.whiteboard.servlet.pattern=/api/ws"})
public final class WebSocketServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String PATH = "/ws";

    private final transient ClientHub hub;
    private final transient PromptQueue queue;
    private final transient ServerConfig config;
    private final transient String machineName = OriginCheck.machineName();
    private transient WebSocketComponents components;
    private transient WebSocketMappings mappings;

    @Activate
    public WebSocketServlet(@Reference ClientHub hub, @Reference PromptQueue queue, @Reference ServerConfig config) {
        this.hub = hub;
        this.queue = queue;
        this.config = config;
    }

    @Override
    public void init(ServletConfig servletConfig) throws ServletException {
        super.init(servletConfig);
        // Jetty looks WebSocket extensions up with ServiceLoader on the context class loader: this bundle's loader
        // sees none, so no extension (permessage-deflate) is negotiated, which clients accept.
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(WebSocketServlet.class.getClassLoader());
        try {
            components = new WebSocketComponents();
            components.start();
        } catch (Exception e) {
            throw new ServletException("Jetty's WebSocket components did not start: " + e, e);
        } finally {
            thread.setContextClassLoader(before);
        }
        mappings = new WebSocketMappings(components);
    }

    @Override
    public void destroy() {
        try {
            if (components != null) components.stop();
        } catch (Exception e) {
            System.getLogger(WebSocketServlet.class.getName()).log(System.Logger.Level.DEBUG, "stopping WebSocket components", e);
        }
        super.destroy();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        ServletContextRequest base = ServletContextRequest.getServletContextRequest(req);
        if (!req.getMethod().equals("GET") || !mappings.getHandshaker().isWebSocketUpgradeRequest(base)) {
            ApiException e = ApiException.badRequest("invalid_request", PATH + " speaks WebSocket only: send an upgrade request");
            ApiServlet.writeJson(resp, e.status(), e.body());
            return;
        }
        String refusal = OriginCheck.hostRefusal(req.getHeader("Host"), req.getLocalAddr(), machineName);
        if (refusal == null) refusal = OriginCheck.refusal(req.getHeader("Origin"), req.getHeader("Host"), req.isSecure(),
                HttpApiContext.allowedOrigins(req));
        if (refusal != null) {
            ApiException e = ApiException.of(403, "forbidden", refusal);
            ApiServlet.writeJson(resp, e.status(), e.body());
            return;
        }
        String[] ids = req.getParameterValues("clientId");
        String clientId = ids == null || ids.length == 0 ? null : ids[0];
        WebSocketNegotiator negotiator = (upgradeRequest, upgradeResponse, upgradeCallback) ->
                new ClientSocket(hub, queue, clientId, config.wsQueueFrames());
        FutureCallback callback = new FutureCallback();
        if (mappings.upgrade(negotiator, base, base.getServletContextResponse(), callback, null)) {
            callback.block();
            return;
        }
        ApiException e = ApiException.badRequest("invalid_request", "the WebSocket handshake was not acceptable (version 13 is spoken)");
        ApiServlet.writeJson(resp, e.status(), e.body());
    }
}
