package dev.tessera.server.internal.http;

import dev.tessera.server.internal.ServerConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;

/**
 * The switch of the HTTP API: every endpoint selects the servlet context {@value #NAME}, which exists only while
 * the server is enabled ({@link ServerConfig#enabled()}), so a host that installs Tessera serves nothing of it
 * until configured. The context sits at {@code /} above the whiteboard's default context, on the HTTP runtime(s)
 * {@link ServerConfig#whiteboardTarget()} selects, and hands the allowed origins to the endpoints' origin check.
 */
@Component(immediate = true)
public final class HttpApiContext {

    public static final String NAME = "dev.tessera";
    /** What every endpoint of the API carries in its component properties. */
    public static final String SELECT = "osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=" + NAME + ")";
    static final String ALLOWED_ORIGINS = HttpApiContext.class.getName() + ".allowedOrigins";

    private final ServiceRegistration<ServletContextHelper> registration;

    @Activate
    public HttpApiContext(BundleContext context, @Reference ServerConfig config) {
        if (!config.enabled()) {
            registration = null;
            return;
        }
        List<String> origins = config.allowedOrigins();
        ServletContextHelper helper = new ServletContextHelper(context.getBundle()) {
            @Override
            public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) {
                request.setAttribute(ALLOWED_ORIGINS, origins);
                return true;
            }
        };
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME, NAME);
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH, "/");
        // Above the default context, which is also at "/": requests go to Tessera's endpoints first.
        properties.put(Constants.SERVICE_RANKING, 1);
        String target = config.whiteboardTarget();
        if (target != null) properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_TARGET, target);
        registration = context.registerService(ServletContextHelper.class, helper, properties);
    }

    @Deactivate
    void deactivate() {
        if (registration == null) return;
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // already gone with the stopping bundle
        }
    }

    /** The origins allowed besides same-origin for this request (set by the context; none outside it, as in tests). */
    @SuppressWarnings("unchecked")
    static List<String> allowedOrigins(HttpServletRequest request) {
        Object value = request.getAttribute(ALLOWED_ORIGINS);
        return value instanceof List<?> list ? (List<String>) list : List.of();
    }
}
