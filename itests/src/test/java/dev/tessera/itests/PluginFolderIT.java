package dev.tessera.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.tessera.graph.engine.WorkflowEngine;
import dev.tessera.itests.plugin.EchoNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.inject.Inject;
import org.junit.Test;

/** A bundle dropped into plugins/ is installed by fileinstall while the framework runs, and removed with its file. */
public class PluginFolderIT extends TesseraOsgiTestBase {

    static final String CLASS_FILE = EchoNode.class.getName().replace('.', '/') + ".class";

    @Inject
    private WorkflowEngine engine;

    @Test
    public void aNodeBundleDroppedIntoPluginsIsUsableAtOnceAndGoesAwayWithItsFile() throws Exception {
        assertTrue(engine.nodeType("ItestEcho").isEmpty());
        Path staged = TesseraFramework.home().resolve("echo-plugin.jar");
        writePluginBundle(staged);
        Path plugin = TesseraFramework.plugins().resolve("echo-plugin.jar");
        // Moved in whole, so fileinstall never sees a half-written jar.
        Files.move(staged, plugin, StandardCopyOption.ATOMIC_MOVE);
        try {
            // No waiting here: the command line waits for the jars in plugins/ to be installed and started.
            CliRun nodes = tessera("nodes", "ItestEcho");
            assertEquals(nodes.toString(), 0, nodes.code());
            assertTrue(nodes.toString(), nodes.out().startsWith("ItestEcho  (testing, output node)"));

            Path workflow = TesseraFramework.home().resolve("echo.json");
            Files.writeString(workflow, "{\"1\": {\"class_type\": \"ItestEcho\", \"inputs\": {\"text\": \"hello from a plugin\"}}}");
            CliRun run = tessera("run", workflow.toString());
            assertEquals(run.toString(), 0, run.code());
            assertEquals(run.toString(), "node 1 text: hello from a plugin", run.out().strip());
        } finally {
            Files.deleteIfExists(plugin);
        }
        await("fileinstall uninstalls the removed plugin", Duration.ofSeconds(20), () -> engine.nodeType("ItestEcho").isEmpty());
    }

    /** A bundle with EchoNode as a DS component providing NodeType. */
    static void writePluginBundle(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "dev.tessera.itests.echo");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "dev.tessera.graph.api;version=\"[1.0,2)\"");
        main.putValue("Service-Component", "OSGI-INF/echo.xml");
        String component = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="dev.tessera.itests.echo">
                  <implementation class="dev.tessera.itests.plugin.EchoNode"/>
                  <service><provide interface="dev.tessera.graph.api.NodeType"/></service>
                </scr:component>
                """;
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("OSGI-INF/echo.xml"));
            out.write(component.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new JarEntry(CLASS_FILE));
            try (InputStream in = EchoNode.class.getClassLoader().getResourceAsStream(CLASS_FILE)) {
                if (in == null) throw new IllegalStateException("class file " + CLASS_FILE + " not found");
                in.transferTo(out);
            }
            out.closeEntry();
        }
    }
}
