package dev.tessera.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.Set;
import java.util.Map;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.ops4j.pax.exam.Option;

/**
 * The framework the in-OSGi tests run: exactly the bundles of the exported {@code tessera.jar} (read from its
 * {@code launcher.properties}, installed straight from the jar), plus Pax Exam's own, with a home folder under
 * {@code target/itest} whose input folder holds the sample's and the malformed corpus's images.
 */
public final class TesseraFramework {

    /** Pax Exam's own bundles, as file: links to the jars the build copied (src/test/resources/META-INF/links). */
    static final String LINKS = "link:classpath:META-INF/links/";

    private static boolean homePrepared;

    private TesseraFramework() {
    }

    public static Path repo() {
        return Paths.get(required("tessera.repo.dir")).toAbsolutePath().normalize();
    }

    public static Path appJar() {
        return Paths.get(required("tessera.app.jar")).toAbsolutePath().normalize();
    }

    public static Path home() {
        return Paths.get(required("tessera.itest.dir")).toAbsolutePath().normalize().resolve("home");
    }

    public static Path plugins() {
        return home().resolve("plugins");
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) throw new IllegalStateException("system property " + property + " is not set (run through Maven)");
        return value;
    }

    /** The run bundles of tessera.jar, as {@code jar:file:...!/jar/x.jar} URLs in launch order. */
    public static List<String> appBundleUrls() throws IOException {
        Path jar = appJar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build features/app first (mvn verify builds it before itests)");
        }
        Properties launcher = new Properties();
        try (InputStream in = new URL("jar:" + jar.toUri() + "!/launcher.properties").openStream()) {
            launcher.load(in);
        }
        List<String> urls = new ArrayList<>();
        for (String entry : launcher.getProperty("launch.bundles").split(",")) {
            urls.add("jar:" + jar.toUri() + "!/" + entry.strip());
        }
        return urls;
    }

    /** The properties above, which the tests set to their own values. */
    private static final Set<String> SET_HERE = Set.of("tessera.home", "tessera.input.dir", "felix.fileinstall.dir",
            "felix.fileinstall.poll", "felix.fileinstall.noInitialDelay", "felix.fileinstall.bundles.new.start",
            "felix.log.level", "tessera.plugins.wait.ms");

    /** The framework properties tessera.jar starts with: its launcher.properties less the launcher's own. */
    public static Map<String, String> appRunProperties() throws IOException {
        Properties launcher = new Properties();
        try (InputStream in = new URL("jar:" + appJar().toUri() + "!/launcher.properties").openStream()) {
            launcher.load(in);
        }
        Map<String, String> out = new TreeMap<>();
        for (String key : launcher.stringPropertyNames()) {
            if (!key.startsWith("launch.") && !key.equals("runbundles")) out.put(key, launcher.getProperty(key));
        }
        return out;
    }

    static boolean isFragment(String url) throws IOException {
        try (JarInputStream in = new JarInputStream(new URL(url).openStream())) {
            Manifest manifest = in.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue("Fragment-Host") != null;
        }
    }

    public static Option[] options() throws IOException {
        prepareHome();
        List<Option> options = new ArrayList<>();
        options.add(junitBundles());
        // Pax Exam's bundles log through slf4j 1.x; the application brings slf4j-api 2 as a bundle (for Felix HTTP).
        // slf4j 1.7's bundles cannot sit beside it (slf4j-simple 1.7 imports org.slf4j without an upper bound, wires
        // to 2.x and breaks the 1.7 API's binding), so Pax Exam's slf4j comes from the class path (API 2, whose
        // Logger calls are those of 1.7) through the system bundle, and the application keeps its own.
        options.add(systemPackages("org.slf4j;version=1.7.36"));
        for (String url : appBundleUrls()) {
            options.add(isFragment(url) ? bundle(url).noStart() : bundle(url));
        }
        // A host's shell and Tessera's commands for it (not part of tessera.jar): ShellCommandsIT.
        options.add(bundle(Paths.get(required("tessera.gogo.jar")).toUri().toString()));
        options.add(bundle(Paths.get(required("tessera.shell.jar")).toUri().toString()));
        Path home = home();
        options.add(frameworkProperty("tessera.home").value(home.toString()));
        options.add(frameworkProperty("tessera.input.dir").value(home.resolve("input").toString()));
        options.add(frameworkProperty("felix.fileinstall.dir").value(plugins().toString()));
        options.add(frameworkProperty("felix.fileinstall.poll").value("300"));
        options.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        options.add(frameworkProperty("felix.fileinstall.bundles.new.start").value("true"));
        options.add(frameworkProperty("felix.log.level").value("1"));
        options.add(frameworkProperty("tessera.plugins.wait.ms").value("20000"));
        // The application's own framework properties (its -runproperties: HTTP off, loopback, the slf4j
        // capabilities), unless set above.
        for (Map.Entry<String, String> p : appRunProperties().entrySet()) {
            if (!SET_HERE.contains(p.getKey())) options.add(frameworkProperty(p.getKey()).value(p.getValue()));
        }
        // DJL's embedded slf4j 2 would otherwise warn that it has no provider.
        options.add(systemProperty("slf4j.provider").value("org.slf4j.helpers.NOP_FallbackServiceProvider"));
        options.add(systemProperty("slf4j.internal.verbosity").value("WARN"));
        return options.toArray(Option[]::new);
    }

    /**
     * A fresh home: input/ with the images the workflows name, empty output/, temp/ and plugins/. Once per JVM:
     * Pax Exam asks every test class for its configuration, while the one framework (PerSuite) keeps running.
     */
    static synchronized void prepareHome() throws IOException {
        if (homePrepared) return;
        homePrepared = true;
        Path home = home();
        deleteTree(home);
        Files.createDirectories(home.resolve("input"));
        Files.createDirectories(home.resolve("output"));
        Files.createDirectories(plugins());
        Path repo = repo();
        Files.copy(repo.resolve("sample-workflows/input/mosaic.png"), home.resolve("input/mosaic.png"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(repo.resolve("test-workflows/invalid/input/pixel.png"), home.resolve("input/pixel.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
