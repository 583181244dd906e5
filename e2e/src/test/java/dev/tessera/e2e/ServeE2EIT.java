package dev.tessera.e2e;

import dev.tessera.testing.NodeTestRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * One {@code tessera serve} process for the whole class, driven by the script tests of {@code js/}: the editor in
 * headless Chromium, and the two ComfyUI client libraries. Each script test is one JUnit test in the report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeE2EIT {

    private static final Path REPO = Path.of(System.getProperty("tessera.repo.dir", "..")).toAbsolutePath().normalize();
    private static final Path HERE = Path.of("").toAbsolutePath();

    private TesseraServe server;

    @BeforeAll
    void start() throws Exception {
        server = TesseraServe.start(
                Path.of(System.getProperty("tessera.app.jar", REPO.resolve("features/app/target/tessera.jar").toString())),
                REPO,
                Path.of(System.getProperty("tessera.e2e.dir", "target/e2e")),
                List.of(REPO.resolve("sample-workflows/input/mosaic.png")));
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) server.close();
    }

    private Stream<DynamicTest> scripts(String file) throws Exception {
        Map<String, String> env = Map.of(
                "TESSERA_URL", server.url().toString(),
                "TESSERA_REPO", REPO.toString(),
                "TESSERA_OUT", server.out.toString(),
                "TESSERA_CHROMIUM", System.getProperty("tessera.chromium", "/usr/bin/chromium"),
                "TESSERA_ARTIFACTS", server.home.toString());
        return NodeTestRun.run(HERE, List.of(file), env, 600);
    }

    /** The editor: palette, connecting, queueing, progress, result image, save/load, PNG drop. */
    @TestFactory
    Stream<DynamicTest> editorInChromium() throws Exception {
        return scripts("js/editor.test.mjs");
    }

    /** @saintno/comfyui-sdk and @stable-canvas/comfyui-client against the server. */
    @TestFactory
    Stream<DynamicTest> comfyClientLibraries() throws Exception {
        return scripts("js/clients.test.mjs");
    }
}
