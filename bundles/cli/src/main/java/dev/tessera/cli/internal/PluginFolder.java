package dev.tessera.cli.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import dev.tessera.graph.api.NodeType;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The folder Felix fileinstall watches ({@code felix.fileinstall.dir}). Fileinstall installs its jars on its own
 * thread; a command waits for them so that a workflow sees the node types of the plugins present at start.
 */
final class PluginFolder {

    static final String DIR_PROPERTY = "felix.fileinstall.dir";

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final long timeoutMillis;

    /** @param scr to wait until a plugin's components are processed too; may be null */
    PluginFolder(BundleContext context, ServiceComponentRuntime scr, long timeoutMillis) {
        this.context = context;
        this.scr = scr;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Waits until every jar in the folder is an active bundle (or a resolved fragment) whose components SCR has
     * taken in (it does so on its own thread after the bundle starts); warns about the others.
     */
    void awaitPlugins(PrintStream err) {
        List<Path> jars = jars();
        if (jars.isEmpty()) return;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        List<Path> waiting = new ArrayList<>(jars);
        while (true) {
            waiting.removeIf(jar -> bundleAt(jar).filter(b -> isUp(b) && componentsProcessed(b)).isPresent());
            if (waiting.isEmpty() || System.nanoTime() > deadline) break;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Path jar : waiting) {
            why(jar).ifPresent(reason -> err.println("warning: plugin " + jar + " is not active: " + reason));
        }
    }

    List<Path> jars() {
        String dir = context.getProperty(DIR_PROPERTY);
        if (dir == null || dir.isBlank()) return List.of();
        Path folder = Paths.get(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(folder)) return List.of();
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private Optional<Bundle> bundleAt(Path jar) {
        Path wanted = jar.toAbsolutePath().normalize();
        for (Bundle bundle : context.getBundles()) {
            Optional<Path> location = asPath(bundle.getLocation());
            if (location.isPresent() && location.get().equals(wanted)) return Optional.of(bundle);
        }
        return Optional.empty();
    }

    /** Fileinstall installs from {@code file:} URIs of the jar; other locations are not ours. */
    static Optional<Path> asPath(String location) {
        try {
            URI uri = URI.create(location);
            if (!"file".equalsIgnoreCase(uri.getScheme())) return Optional.empty();
            return Optional.of(Paths.get(uri).toAbsolutePath().normalize());
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * True when the bundle declares no components, or SCR has a configuration for each of them and the satisfied
     * ones' services are registered: SCR fills in the configuration before it registers the service, on its own
     * thread, so a command that looked only at the configurations could miss a node type (seen under load).
     */
    private boolean componentsProcessed(Bundle bundle) {
        if (scr == null || bundle.getHeaders("").get("Service-Component") == null) return true;
        var descriptions = scr.getComponentDescriptionDTOs(bundle);
        if (descriptions.isEmpty()) return false;
        for (ComponentDescriptionDTO description : descriptions) {
            if (!scr.isComponentEnabled(description)) continue;
            var configurations = scr.getComponentConfigurationDTOs(description);
            if (configurations.isEmpty()) return false;
            boolean satisfied = configurations.stream().anyMatch(c -> c.state == ComponentConfigurationDTO.SATISFIED
                    || c.state == ComponentConfigurationDTO.ACTIVE);
            if (satisfied && description.serviceInterfaces.length > 0 && !registered(bundle, description.name)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code bundle} has registered the service of component {@code name}, and, for a node type, whether
     * the engine's registry has bound it: SCR binds the registry's dynamic reference on its own thread too, so a
     * registered node type could still be missing from the engine for a moment (seen in PluginFolderIT).
     */
    private static boolean registered(Bundle bundle, String name) {
        ServiceReference<?>[] services = bundle.getRegisteredServices();
        if (services == null) return false;
        for (ServiceReference<?> service : services) {
            if (!name.equals(service.getProperty("component.name"))) continue;
            return !isNodeType(service) || service.getUsingBundles() != null;
        }
        return false;
    }

    private static boolean isNodeType(ServiceReference<?> service) {
        Object classes = service.getProperty(Constants.OBJECTCLASS);
        return classes instanceof String[] names && java.util.Arrays.asList(names).contains(NodeType.class.getName());
    }

    private static boolean isUp(Bundle bundle) {
        boolean fragment = bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
        return bundle.getState() == Bundle.ACTIVE || (fragment && bundle.getState() == Bundle.RESOLVED);
    }

    /** Why a plugin is not up, or empty if it came up after all. */
    private Optional<String> why(Path jar) {
        Optional<Bundle> bundle = bundleAt(jar);
        if (bundle.isEmpty()) {
            return Optional.of("not installed within " + timeoutMillis + " ms (is it an OSGi bundle? is fileinstall running?)");
        }
        Bundle b = bundle.get();
        if (isUp(b)) return Optional.empty();
        if (b.getState() != Bundle.INSTALLED) return Optional.of("its state is " + stateName(b.getState()));
        try {
            // Starting an unresolved bundle makes the framework say which requirement is missing.
            b.start(Bundle.START_TRANSIENT);
            return Optional.empty();
        } catch (BundleException | IllegalStateException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.RESOLVED -> "RESOLVED (not started)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> Integer.toString(state);
        };
    }
}
