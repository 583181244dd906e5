package dev.tessera.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code java -jar tessera.jar serve --port <free>} as a process, with its own output, input and temp folders and
 * the sample models; the URL it prints on stdout once it listens is {@link #url()}.
 */
final class TesseraServe implements AutoCloseable {

    private static final long START_SECONDS = 180;

    private final Process process;
    private final URI url;
    final Path home;
    final Path out;
    final Path input;
    final Path stderr;

    private TesseraServe(Process process, URI url, Path home, Path out, Path input, Path stderr) {
        this.process = process;
        this.url = url;
        this.home = home;
        this.out = out;
        this.input = input;
        this.stderr = stderr;
    }

    /** Starts the server in a fresh folder under {@code parent}, with {@code inputFiles} in its input folder. */
    static TesseraServe start(Path jar, Path repo, Path parent, List<Path> inputFiles) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no application jar at " + jar + " (build features/app first)");
        }
        Files.createDirectories(parent);
        Path home = Files.createTempDirectory(parent, "serve-");
        Path out = Files.createDirectories(home.resolve("output"));
        Path input = Files.createDirectories(home.resolve("input"));
        Path temp = Files.createDirectories(home.resolve("temp"));
        for (Path f : inputFiles) Files.copy(f, input.resolve(f.getFileName()));
        Path stderr = home.resolve("stderr.log");
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.graph_optimizer=false",
                "-jar", jar.toString(), "serve", "--port", Integer.toString(port),
                "--out", out.toString(), "--input", input.toString(), "--temp", temp.toString(),
                "--models", repo.resolve("sample-workflows/models").toString()));
        Process p = new ProcessBuilder(command).directory(home.toFile())
                .redirectError(stderr.toFile()).start();
        // serve prints its URL on stdout once Jetty listens.
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String line = r.readLine();
                // Keep draining so the process never blocks on a full pipe.
                Thread drain = new Thread(() -> {
                    try {
                        while (r.readLine() != null) {
                            // discard
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                }, "tessera-serve-stdout");
                drain.setDaemon(true);
                drain.start();
                return line;
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = firstLine.get(START_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("tessera serve printed no URL within " + START_SECONDS + " s; stderr:\n" + read(stderr));
        }
        if (line == null || !line.startsWith("http")) {
            p.destroyForcibly();
            throw new IllegalStateException("tessera serve did not start (stdout: " + line + ", exit "
                    + (p.isAlive() ? "none yet" : p.exitValue()) + "); stderr:\n" + read(stderr));
        }
        URI url = URI.create(line.trim());
        if (url.getPort() != port || !"127.0.0.1".equals(url.getHost())) {
            p.destroyForcibly();
            throw new IllegalStateException("tessera serve --port " + port + " listens at " + url + ", expected http://127.0.0.1:" + port + "/");
        }
        return new TesseraServe(p, url, home, out, input, stderr);
    }

    URI url() {
        return url;
    }

    String stderrText() {
        return read(stderr);
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: the launcher stops the framework
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
