package dev.tessera.boot;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The {@code Main-Class} of {@code tessera.jar}: sets the framework properties the command line implies (see
 * {@link BootProperties}), then hands the unchanged arguments to bnd's embedded launcher, which starts Felix with
 * the bundles inside the jar and exits with the code of the {@code tessera} command line.
 */
public final class TesseraBoot {

    static final String EMBEDDED_LAUNCHER = "aQute.launcher.pre.EmbeddedLauncher";

    private TesseraBoot() {
    }

    /** Fileinstall does not create the folder it watches; without it, it only complains. */
    static void createPluginsFolder(String dir) {
        if (dir == null || dir.isBlank()) return;
        try {
            Files.createDirectories(Paths.get(dir));
        } catch (IOException | RuntimeException e) {
            System.err.println("warning: cannot create the plugins folder " + dir + ": " + e.getMessage());
        }
    }

    /** Whether this jar is tessera.jar, which carries the CPU natives fragment, rather than tessera-slim.jar. */
    static boolean hasCpuFragment() {
        try {
            java.security.CodeSource source = TesseraBoot.class.getProtectionDomain().getCodeSource();
            if (source == null) return false;
            Path jar = Paths.get(source.getLocation().toURI());
            if (!Files.isRegularFile(jar)) return false;
            try (JarFile file = new JarFile(jar.toFile())) {
                return file.stream().anyMatch(e -> e.getName().startsWith("jar/tensor-native-cpu-"));
            }
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            return false;
        }
    }

    public static void main(String[] args) throws Throwable {
        BootProperties.of(List.of(args), Paths.get("").toAbsolutePath(), System::getProperty).forEach(System::setProperty);
        createPluginsFolder(System.getProperty(BootProperties.PLUGINS));
        try {
            NativeLibraries.Decision natives = NativeLibraries.decide(
                    NativeLibraries.want(System.getProperty(BootProperties.DEVICE)),
                    Boolean.getBoolean(NativeLibraries.DOWNLOAD_PROPERTY), hasCpuFragment(), System::getenv,
                    System::getProperty, System.err);
            natives.properties().forEach(System::setProperty);
            System.setProperty(NativeLibraries.SOURCE_PROPERTY, natives.source());
            if (natives.dir() != null) System.setProperty(NativeLibraries.DIR_PROPERTY, natives.dir().toString());
        } catch (NativeLibraries.NativesException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        String[] forCommandLine = BootProperties.forCommandLine(List.of(args)).toArray(String[]::new);
        Method main;
        try {
            main = Class.forName(EMBEDDED_LAUNCHER).getMethod("main", String[].class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            System.err.println("error: this jar has no bnd launcher (" + EMBEDDED_LAUNCHER + "); build it with"
                    + " `mvn -pl features/app -am package` rather than running the classes directly");
            System.exit(2);
            return;
        }
        try {
            main.invoke(null, (Object) forCommandLine);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
