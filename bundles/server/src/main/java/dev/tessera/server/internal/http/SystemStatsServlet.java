package dev.tessera.server.internal.http;

import dev.tessera.server.internal.ServerConfig;
import dev.tessera.server.internal.SystemStats;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code GET /system_stats}. */
@Component(service = Servlet.class, property = {HttpApiContext.SELECT,
        "osgi.http.whiteboard.servlet.pattern=/system_stats",
        "osgi.http.whiteboard.servlet.pattern=/api/system_stats"})
public final class SystemStatsServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient ServerConfig config;

    @Activate
    public SystemStatsServlet(@Reference ServerConfig config) {
        this.config = config;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        writeJson(resp, 200, SystemStats.of(config.version()));
    }
}
