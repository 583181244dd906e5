package dev.tessera.boot;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;

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

    public static void main(String[] args) throws Throwable {
        BootProperties.of(List.of(args), Paths.get("").toAbsolutePath(), System::getProperty).forEach(System::setProperty);
        createPluginsFolder(System.getProperty(BootProperties.PLUGINS));
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
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
