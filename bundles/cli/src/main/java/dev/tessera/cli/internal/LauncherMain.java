package dev.tessera.cli.internal;

import dev.tessera.cli.CommandIO;
import dev.tessera.cli.CommandLine;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Callable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The main thread of the exported {@code tessera.jar}. bnd's launcher registers itself as a service carrying the
 * process arguments ({@code launcher.arguments}) and sets {@code launcher.ready=true} once every bundle has
 * started; it then calls the {@code Callable<Integer>} registered with {@code main.thread=true} on the JVM's main
 * thread and exits with its result.
 *
 * <p>The launcher is tracked by hand rather than by a DS reference: a reference would make the bundle declare that
 * it needs that service, which only bnd's launcher provides, and resolvers such as Karaf's would refuse the
 * bundle elsewhere. Without the launcher this component just waits.
 */
@Component(immediate = true)
public final class LauncherMain {

    static final String ARGUMENTS = "launcher.arguments";
    static final String LAUNCHER_FILTER = "(&(" + ARGUMENTS + "=*)(launcher.ready=true))";

    private final ServiceTracker<Object, ServiceRegistration<?>> tracker;

    @Activate
    public LauncherMain(BundleContext context, @Reference(name = "commandLine") CommandLine commandLine) {
        this.tracker = new ServiceTracker<>(context, filter(), null) {
            @Override
            public ServiceRegistration<?> addingService(ServiceReference<Object> launcher) {
                MainThread main = new MainThread(commandLine, arguments(launcher.getProperty(ARGUMENTS)));
                Hashtable<String, Object> props = new Hashtable<>();
                props.put("main.thread", "true");
                return context.registerService(Callable.class, main, props);
            }

            @Override
            public void removedService(ServiceReference<Object> launcher, ServiceRegistration<?> registration) {
                registration.unregister();
            }
        };
        tracker.open(true);
    }

    @Deactivate
    void deactivate() {
        tracker.close();
    }

    private static Filter filter() {
        try {
            return FrameworkUtil.createFilter(LAUNCHER_FILTER);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A named class, not a lambda: the launcher checks by reflection that {@code call()} is declared to return
     * {@code Integer}, and a lambda's erased {@code call()} returns {@code Object}.
     */
    static final class MainThread implements Callable<Integer> {
        private final CommandLine commandLine;
        private final List<String> args;

        MainThread(CommandLine commandLine, List<String> args) {
            this.commandLine = commandLine;
            this.args = args;
        }

        @Override
        public Integer call() {
            return commandLine.execute(args, CommandIO.system());
        }
    }

    static List<String> arguments(Object property) {
        if (property instanceof String[] array) return List.of(array);
        if (property instanceof List<?> list) return list.stream().map(String::valueOf).toList();
        if (property instanceof String single) return List.of(single);
        return List.of();
    }
}
