package dev.tessera.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** The application's bundles in Felix: all start, every component activates, the launcher's main thread runs. */
public class FrameworkIT extends TesseraOsgiTestBase {

    /** The components the application must have; more may come (the test lists what it finds). */
    static final Set<String> EXPECTED_COMPONENTS = Set.of(
            "dev.tessera.cli.internal.Dispatcher",
            "dev.tessera.cli.internal.LauncherMain",
            "dev.tessera.cli.internal.RunCommand",
            "dev.tessera.cli.internal.NodesCommand",
            "dev.tessera.graph.engine.internal.CachingWorkflowEngine",
            "dev.tessera.graph.engine.internal.NodeTypeRegistry",
            "dev.tessera.graph.engine.internal.FileFolders",
            "dev.tessera.tensor.internal.DjlTensorRuntime",
            "dev.tessera.image.internal.nodes.LoadImageNode",
            "dev.tessera.image.internal.nodes.SaveImageNode",
            "dev.tessera.image.internal.nodes.PreviewImageNode",
            "dev.tessera.image.internal.nodes.ImageScaleNode",
            "dev.tessera.primitives.internal.PrimitiveIntNode",
            "dev.tessera.primitives.internal.PrimitiveFloatNode",
            "dev.tessera.primitives.internal.PrimitiveStringNode",
            "dev.tessera.primitives.internal.PrimitiveStringMultilineNode",
            "dev.tessera.primitives.internal.PrimitiveBooleanNode",
            "dev.tessera.layout.internal.RuleBasedLayoutParser",
            "dev.tessera.layout.internal.nodes.LayoutFromTextNode",
            "dev.tessera.layout.internal.nodes.LayoutPreviewNode");

    @Inject
    private ServiceComponentRuntime scr;

    @Test
    public void everyBundleOfTheApplicationIsActiveOrAnAttachedFragment() throws Exception {
        String jarPrefix = "jar:" + TesseraFramework.appJar().toUri() + "!/";
        List<String> fromApp = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (!bundle.getLocation().startsWith(jarPrefix)) continue;
            fromApp.add(bundle.getSymbolicName());
            boolean fragment = bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            assertEquals(bundle.getSymbolicName() + " state", expected, bundle.getState());
        }
        assertEquals("every run bundle of tessera.jar is installed: " + fromApp,
                TesseraFramework.appBundleUrls().size(), fromApp.size());
        assertTrue(fromApp.contains("dev.tessera.tensor.native.cpu"));
    }

    @Test
    public void everyComponentActivatesAndTheLaunchersMainThreadRunsTheCommandLine() throws Exception {
        // What bnd's launcher registers: itself, with the process arguments, ready once all bundles started.
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("launcher.arguments", new String[] {"nodes", "PrimitiveInt"});
        props.put("launcher.ready", "true");
        ServiceRegistration<Object> launcher = context.registerService(Object.class, new Object(), props);
        try {
            await("the main thread service is registered", Duration.ofSeconds(10),
                    () -> !mainThreads().isEmpty());
            Set<String> active = activateAll();
            assertTrue("missing components: " + missing(active), active.containsAll(EXPECTED_COMPONENTS));

            ServiceReference<Callable> ref = mainThreads().iterator().next();
            @SuppressWarnings("unchecked")
            Callable<Integer> main = (Callable<Integer>) context.getService(ref);
            // The check bnd's launcher makes before it accepts a main thread.
            assertEquals(Integer.class, main.getClass().getMethod("call").getReturnType());
            PrintStream originalOut = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            int code;
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                code = main.call();
            } finally {
                System.setOut(originalOut);
                context.ungetService(ref);
            }
            String out = captured.toString(StandardCharsets.UTF_8);
            assertEquals(out, 0, code);
            assertTrue(out, out.startsWith("PrimitiveInt  (\"Int\", utils/primitive)"));
            assertTrue(out, out.contains("  out  INT                INT"));
        } finally {
            launcher.unregister();
        }
    }

    private Collection<ServiceReference<Callable>> mainThreads() {
        try {
            return context.getServiceReferences(Callable.class, "(main.thread=true)");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Every component of the Tessera bundles, activated: delayed components that nobody uses yet are SATISFIED,
     * so their service is held while the states are read (SCR deactivates a delayed component when its last user
     * lets go). Fails on any state but ACTIVE.
     */
    private Set<String> activateAll() throws Exception {
        Set<String> active = new TreeSet<>();
        List<ServiceReference<?>> held = new ArrayList<>();
        try {
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
                if (!description.bundle.symbolicName.startsWith("dev.tessera.")) continue;
                assertTrue(description.name + " is enabled", scr.isComponentEnabled(description));
                Collection<ComponentConfigurationDTO> configs = scr.getComponentConfigurationDTOs(description);
                assertFalse(description.name + " has a configuration", configs.isEmpty());
                for (ComponentConfigurationDTO config : configs) {
                    if (config.state == ComponentConfigurationDTO.SATISFIED) held.add(use(config.id));
                }
                for (ComponentConfigurationDTO config : scr.getComponentConfigurationDTOs(description)) {
                    assertEquals(description.name + " state (unsatisfied references: " + names(config) + ", failure: "
                            + config.failure + ")", ComponentConfigurationDTO.ACTIVE, config.state);
                }
                active.add(description.name);
            }
        } finally {
            held.forEach(context::ungetService);
        }
        return active;
    }

    private ServiceReference<?> use(long componentId) throws Exception {
        ServiceReference<?>[] refs = context.getAllServiceReferences(null, "(component.id=" + componentId + ")");
        assertTrue("component " + componentId + " registers a service", refs != null && refs.length > 0);
        assertTrue("component " + componentId + " gives its service", context.getService(refs[0]) != null);
        return refs[0];
    }

    private static List<String> names(ComponentConfigurationDTO config) {
        List<String> names = new ArrayList<>();
        if (config.unsatisfiedReferences != null) for (var r : config.unsatisfiedReferences) names.add(r.name);
        return names;
    }

    private static Set<String> missing(Set<String> active) {
        Set<String> missing = new TreeSet<>(EXPECTED_COMPONENTS);
        missing.removeAll(active);
        return missing;
    }
}
