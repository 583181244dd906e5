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
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeRequest;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeResponse;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServerContainer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code /ws?clientId=...}: ComfyUI's event stream. On init it maps {@code /ws} in Jetty's WebSocket container (which
 * Felix HTTP Jetty 12 creates when {@code org.apache.felix.jetty.websocket.enable=true} and Jetty's WebSocket bundles
 * are installed); upgrade requests are answered by that mapping, plain GETs reach this servlet and get a 400.
 */
@Component(service = Servlet.class, property = "osgi.http.whiteboard.servlet.pattern=/ws")
public final class WebSocketServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String PATH = "/ws";

    private final transient ClientHub hub;
    private final transient PromptQueue queue;
    private final transient ServerConfig config;
    /** Jetty keeps a mapping after the servlet goes (it has no way to remove one); it must then refuse upgrades. */
    private volatile boolean active;

    @Activate
    public WebSocketServlet(@Reference ClientHub hub, @Reference PromptQueue queue, @Reference ServerConfig config) {
        this.hub = hub;
        this.queue = queue;
        this.config = config;
    }

    @Override
    public void init(ServletConfig servletConfig) throws ServletException {
        super.init(servletConfig);
        JettyWebSocketServerContainer container = JettyWebSocketServerContainer.getContainer(getServletContext());
        if (container == null) {
            throw new ServletException("no Jetty WebSocket container in this servlet context: set the framework property "
                    + "org.apache.felix.jetty.websocket.enable=true and install Jetty's WebSocket bundles "
                    + "(jetty-ee10-websocket-jetty-server and its dependencies)");
        }
        container.addMapping(PATH, this::createSocket);
        active = true;
    }

    @Override
    public void destroy() {
        active = false;
        super.destroy();
    }

    private Object createSocket(JettyServerUpgradeRequest req, JettyServerUpgradeResponse resp) throws IOException {
        if (!active) {
            resp.sendError(503, "the WebSocket endpoint is stopped");
            return null;
        }
        HttpServletRequest http = req.getHttpServletRequest();
        String refusal = OriginCheck.refusal(http.getHeader("Origin"), http.getHeader("Host"), http.isSecure());
        if (refusal != null) {
            resp.sendForbidden(refusal);
            return null;
        }
        List<String> ids = req.getParameterMap().get("clientId");
        String clientId = ids == null || ids.isEmpty() ? null : ids.get(0);
        return new JettyClientSocket(hub, queue, clientId, config.wsQueueFrames());
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ApiException e = ApiException.badRequest("invalid_request", PATH + " speaks WebSocket only: send an upgrade request");
        ApiServlet.writeJson(resp, e.status(), e.body());
    }
}
