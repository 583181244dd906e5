package dev.tessera.server.internal.http;

import dev.tessera.graph.engine.internal.TestEngine;
import dev.tessera.server.internal.ClientHub;
import dev.tessera.server.internal.PromptQueue;
import dev.tessera.server.internal.ServerConfig;
import dev.tessera.server.internal.WebRoot;
import jakarta.servlet.Servlet;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The server's servlets in an embedded Jetty of the version Felix HTTP Jetty 12 embeds, each mapped to the
 * whiteboard patterns of its generated DS descriptor (OSGI-INF/*.xml), over the real engine, queue and hub.
 */
final class TestServer implements AutoCloseable {

    final TestEngine engine;
    final ClientHub hub = new ClientHub();
    final PromptQueue queue;
    final ServerConfig config;
    private final Server server = new Server();
    final URI base;
    /** The editor's files: {@code site/webroot/...}, seen through a class loader as the bundle's resources. */
    final Path site;

    TestServer(Path home, ServerConfig config) throws Exception {
        this.engine = new TestEngine(home);
        this.config = config;
        this.site = Files.createDirectories(home.resolve("site"));
        this.queue = PromptQueue.start(engine.engine(), hub, config.historySize(), System::currentTimeMillis);
        List<Servlet> servlets = List.of(
                new ObjectInfoServlet(engine.engine()),
                new PromptServlet(queue, config),
                new QueueServlet(queue, config),
                new InterruptServlet(queue, config),
                new HistoryServlet(queue, config),
                new ViewServlet(engine.folders()),
                new UploadImageServlet(engine.folders(), config),
                new SystemStatsServlet(config),
                new ModelsServlet(engine.folders()),
                new FreeServlet(engine.engine(), config),
                new ClientInfoServlet(engine.folders(), config),
                new ConvertServlet(engine.engine(), config),
                new WebSocketServlet(hub, queue, config),
                new WebRootServlet(new WebRoot(new URLClassLoader(new URL[] {site.toUri().toURL()}, null)::getResource)));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        for (Servlet s : servlets) {
            ServletHolder holder = new ServletHolder(s);
            holder.setInitOrder(0); // the whiteboard initialises servlets when they are registered
            for (String pattern : whiteboardPatterns(s.getClass())) {
                context.addServlet(holder, pattern);
            }
        }
        server.setHandler(context);
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    /** The {@code osgi.http.whiteboard.servlet.pattern} values bnd wrote into the component's descriptor. */
    static List<String> whiteboardPatterns(Class<?> component) throws Exception {
        URL xml = component.getClassLoader().getResource("OSGI-INF/" + component.getName() + ".xml");
        if (xml == null) throw new IllegalStateException("no DS descriptor for " + component.getName());
        List<String> patterns = new ArrayList<>();
        try (InputStream in = xml.openStream()) {
            NodeList props = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in).getElementsByTagName("property");
            for (int i = 0; i < props.getLength(); i++) {
                Element p = (Element) props.item(i);
                if (!p.getAttribute("name").equals("osgi.http.whiteboard.servlet.pattern")) continue;
                String value = p.hasAttribute("value") ? p.getAttribute("value") : p.getTextContent();
                for (String line : value.split("\n")) {
                    if (!line.isBlank()) patterns.add(line.strip());
                }
            }
        }
        if (patterns.isEmpty()) throw new IllegalStateException(component.getName() + " has no whiteboard pattern");
        return patterns;
    }

    URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    @Override
    public void close() throws Exception {
        queue.stop();
        server.stop();
    }
}
