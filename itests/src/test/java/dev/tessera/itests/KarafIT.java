package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Tessera's feature repository in a real Apache Karaf (the distribution from Maven Central, unpacked fresh for each
 * test), driven through Karaf's own ssh client as an administrator would: {@code feature:install tessera} and
 * Karaf's {@code http} in both orders, and {@code tessera:run} writing a PNG before and after; feature
 * {@code tessera-server} serving the HTTP API once {@code dev.tessera.server} enables it. Each step has a
 * timeout: installing {@code http} after a feature that carried Felix HTTP made Karaf's resolver spin for minutes
 * until OutOfMemoryError (issue 19).
 */
class KarafIT {

    private static final Duration INSTALL = Duration.ofMinutes(4);
    private static final Duration RUN = Duration.ofMinutes(2);

    @Test
    void tesseraThenHttpThenRunAgain() throws Exception {
        try (Karaf karaf = Karaf.start("tessera-then-http")) {
            karaf.shell(INSTALL, "feature:install tessera");
            karaf.assertRunWritesPng("before-http");
            karaf.shell(INSTALL, "feature:install http");
            String features = karaf.shell(RUN, "feature:list -i");
            assertTrue(features.contains("http "), features);
            karaf.assertRunWritesPng("after-http");
        }
    }

    @Test
    void httpThenTessera() throws Exception {
        try (Karaf karaf = Karaf.start("http-then-tessera")) {
            karaf.shell(INSTALL, "feature:install http");
            karaf.shell(INSTALL, "feature:install tessera");
            karaf.assertRunWritesPng("http-first");
        }
    }

    @Test
    void tesseraServerServesTheApiOnlyOnceEnabled() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (Karaf karaf = Karaf.start("tessera-server")) {
            // An administrator's setting of Felix HTTP wins over the feature's 8188 (a free port, for a busy machine).
            Files.writeString(karaf.dir.resolve("etc/org.apache.felix.http.cfg"),
                    "org.apache.felix.http.host = 127.0.0.1\norg.osgi.service.http.port = " + port + "\n");
            karaf.shell(INSTALL, "feature:install tessera-server");
            karaf.assertRunWritesPng("with-server");
            URI stats = URI.create("http://127.0.0.1:" + port + "/system_stats");
            // Felix HTTP listens, but Tessera's API is off in a host until dev.tessera.server enables it.
            await("Felix HTTP listening on " + port, () -> status(stats) > 0);
            assertEquals(404, status(stats));
            Files.writeString(karaf.dir.resolve("etc/dev.tessera.server.cfg"), "enabled = true\n");
            await("the API served once enabled", () -> status(stats) == 200);
        }
    }

    private static int status(URI uri) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(500);
        }
    }

    /** One Karaf, unpacked under target/karaf/NAME, running as a server process until closed. */
    static final class Karaf implements AutoCloseable {
        private final Path dir;
        private final Path home;
        private final Process process;

        private Karaf(Path dir, Path home, Process process) {
            this.dir = dir;
            this.home = home;
            this.process = process;
        }

        static Karaf start(String name) throws Exception {
            Path root = Paths.get(System.getProperty("tessera.itest.dir")).resolveSibling("karaf").resolve(name);
            TesseraFramework.deleteTree(root);
            Files.createDirectories(root);
            Path tar = Paths.get(System.getProperty("tessera.karaf.tar"));
            exec(root, Duration.ofMinutes(2), null, "tar", "xzf", tar.toString());
            Path dir;
            try (var list = Files.list(root)) {
                dir = list.filter(p -> p.getFileName().toString().startsWith("apache-karaf-")).findFirst().orElseThrow();
            }
            // The ssh client's login: Karaf ships the administrator commented out.
            Path users = dir.resolve("etc/users.properties");
            Files.writeString(users, Files.readString(users).replace("#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup")
                    .replace("#_g_\\:admingroup", "_g_\\:admingroup"));
            Path home = root.resolve("home");
            Files.createDirectories(home.resolve("input"));
            Files.copy(TesseraFramework.repo().resolve("sample-workflows/input/mosaic.png"), home.resolve("input/mosaic.png"));
            Files.writeString(dir.resolve("etc/dev.tessera.folders.cfg"), "home = " + home + "\n");
            Path features = root.resolve("tessera-features.xml");
            Files.writeString(features, withLocalBundles(Files.readString(Paths.get(System.getProperty("tessera.karaf.features")))));

            ProcessBuilder builder = new ProcessBuilder("bin/karaf", "server").directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(root.resolve("karaf.out").toFile());
            builder.environment().put("JAVA_HOME", javaHome());
            builder.environment().put("JAVA_MAX_MEM", "2g");
            Karaf karaf = new Karaf(dir, home, builder.start());
            try {
                karaf.awaitShell(Duration.ofMinutes(3));
                karaf.shell(RUN, "feature:repo-add " + features.toUri());
            } catch (Throwable t) {
                karaf.close();
                throw t;
            }
            return karaf;
        }

        /**
         * The feature file with Tessera's own bundles as file: links to the jars this build made (the shared local
         * Maven repository may hold older ones, and nothing is installed into it).
         */
        static String withLocalBundles(String xml) {
            Matcher m = Pattern.compile("mvn:dev\\.tessera/([^/]+)/([^<\\s]+)").matcher(xml);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                Path jar = TesseraFramework.repo().resolve("bundles/" + m.group(1) + "/target/" + m.group(1) + "-" + m.group(2) + ".jar");
                if (!Files.isRegularFile(jar)) throw new AssertionError("the feature's bundle " + m.group() + " is not built: " + jar);
                m.appendReplacement(out, Matcher.quoteReplacement(jar.toUri().toString()));
            }
            m.appendTail(out);
            return out.toString();
        }

        private static String javaHome() {
            Path java = Paths.get(ProcessHandle.current().info().command().orElseThrow());
            return java.getParent().getParent().toString();
        }

        private void awaitShell(Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (!process.isAlive()) throw new AssertionError("Karaf stopped: " + log());
                try {
                    if (shell(Duration.ofSeconds(30), "bundle:list").contains("START LEVEL")) return;
                } catch (AssertionError notYet) {
                    if (System.nanoTime() > deadline) throw new AssertionError("Karaf's shell did not answer within " + timeout + ": " + log(), notYet);
                }
                Thread.sleep(2000);
            }
        }

        /** Runs one command in Karaf's shell through bin/client; fails on a timeout or an error message. */
        String shell(Duration timeout, String command) throws IOException, InterruptedException {
            // Batch mode, the command on standard input: given as an argument, the client closes without output when
            // it has no terminal.
            String out = exec(dir, timeout, command + "\n", "bin/client", "-u", "karaf", "-p", "karaf", "-b");
            if (out.contains("Error executing command") || out.contains("Command not found") || out.contains("Closed")) {
                throw new AssertionError("'" + command + "' failed:\n" + out);
            }
            return out;
        }

        /** tessera:run of the sample with its own file prefix: the PNG it lists must exist, 256 pixels wide. */
        void assertRunWritesPng(String prefix) throws Exception {
            Path workflow = home.resolve(prefix + ".json");
            Files.writeString(workflow, Files.readString(TesseraFramework.repo().resolve("sample-workflows/image-roundtrip.json"))
                    .replace("\"filename_prefix\": \"image-roundtrip\"", "\"filename_prefix\": \"" + prefix + "\""));
            String out = shell(RUN, "tessera:run " + workflow);
            List<String> saved = out.lines().map(String::strip).filter(l -> l.contains(prefix + "_") && l.endsWith(".png")).toList();
            assertEquals(1, saved.size(), out);
            Path png = Paths.get(saved.get(0));
            assertTrue(png.startsWith(home.resolve("output")), out);
            assertEquals(256, PngFile.read(Files.readAllBytes(png)).width());
        }

        private String log() {
            try {
                Path log = dir.resolve("data/log/karaf.log");
                if (!Files.exists(log)) return "(no karaf.log)";
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return "(karaf.log unreadable: " + e + ")";
            }
        }

        /** Stops Karaf and every process it started (no karaf instance outlives the test). */
        @Override
        public void close() throws Exception {
            List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
            all.add(process.toHandle());
            all.forEach(ProcessHandle::destroy);
            for (ProcessHandle h : all) {
                try {
                    h.onExit().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            }
        }
    }

    /**
     * Runs a command in {@code dir} with {@code input} (or nothing) on its standard input; its output (stdout and
     * stderr together) or an AssertionError on timeout.
     */
    static String exec(Path dir, Duration timeout, String input, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "exec", ".txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try (var stdin = p.getOutputStream()) {
            if (input != null) stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command) + "\n" + Files.readString(out));
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        if (p.exitValue() != 0 && !command[0].equals("bin/client")) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + text);
        }
        return text;
    }
}
