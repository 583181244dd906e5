package dev.tessera.itests;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Predicate;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * A second Felix framework in the test JVM, started as a host application starts one: the bundles of
 * {@code tessera.jar} that {@code keep} accepts, plus bundles of the host's own (e.g. Config Admin), and the
 * framework properties the test gives. The tensor bundle cannot be among them while the suite's Pax Exam framework
 * has libtorch loaded (one class loader per JVM may load it). Services are reached by reflection through the
 * bundles' own classes: the test's class path has the same API classes from another loader.
 */
final class HostFramework implements AutoCloseable {

    final Framework framework;

    private HostFramework(Framework framework) {
        this.framework = framework;
    }

    static HostFramework start(Path storage, Map<String, String> properties, Predicate<String> keep, List<Path> extra)
            throws IOException, BundleException {
        TesseraFramework.deleteTree(storage);
        Files.createDirectories(storage);
        Map<String, String> config = new HashMap<>(TesseraFramework.appRunProperties());
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // One URL handler factory per JVM belongs to the suite's framework.
        config.put("felix.service.urlhandlers", "false");
        config.put("felix.log.level", "1");
        config.putAll(properties);
        // The test JVM's class path has Felix; so does it when called from inside the suite's framework (a probe).
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, ClassLoader.getSystemClassLoader()).iterator().next();
        Framework framework = factory.newFramework(config);
        framework.start();
        BundleContext context = framework.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        for (String url : TesseraFramework.appBundleUrls()) {
            Bundle bundle = context.installBundle(url);
            if (keep.test(bundle.getSymbolicName())) installed.add(bundle);
            else bundle.uninstall();
        }
        for (Path jar : extra) installed.add(context.installBundle(jar.toUri().toString()));
        for (Bundle bundle : installed) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) bundle.start();
        }
        return new HostFramework(framework);
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    Bundle bundle(String symbolicName) {
        for (Bundle b : context().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) return b;
        }
        throw new AssertionError("no bundle " + symbolicName + " in the host framework");
    }

    /** The best service of {@code type}, waiting for it; null after the timeout. */
    Object service(String type, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            // All references, not only those "assignable" to the system bundle: its class loader (the test's class
            // path) has its own copy of Tessera's API classes, for which the framework would hide the services.
            ServiceReference<?>[] refs = context().getAllServiceReferences(type, null);
            if (refs != null) {
                java.util.Arrays.sort(refs, java.util.Collections.reverseOrder());
                Object service = context().getService(refs[0]);
                if (service != null) return service;
            }
            Thread.sleep(50);
        }
        return null;
    }

    /** Calls {@code method} of interface {@code type} (of bundle {@code from}) on {@code target}. */
    Object call(String from, String type, Object target, String method, Class<?>[] parameterTypes, Object... args) throws Exception {
        Method m = bundle(from).loadClass(type).getMethod(method, parameterTypes);
        return m.invoke(target, args);
    }

    /** Bundles that are not active, with their state, and the services registered, for a failure message. */
    String inactive(Set<String> expected) throws Exception {
        StringBuilder out = new StringBuilder();
        for (ServiceReference<?> ref : context().getAllServiceReferences(null, null)) {
            out.append(java.util.Arrays.toString((String[]) ref.getProperty(Constants.OBJECTCLASS))).append(' ');
        }
        out.append("; ");
        for (Bundle b : context().getBundles()) {
            if (expected.contains(b.getSymbolicName()) && b.getState() != Bundle.ACTIVE) {
                out.append(b.getSymbolicName()).append(" state ").append(b.getState()).append("; ");
            }
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        framework.stop();
        framework.waitForStop(30_000);
    }
}
