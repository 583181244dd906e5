package dev.tessera.bench.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.tessera.cli.Arguments;
import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.UsageException;
import dev.tessera.tensor.TensorRuntime;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code tessera doctor}: what this installation runs on, and whether the compute device computes what the CPU
 * does. Exit 0 when every check passes, 1 otherwise. The device is the runtime's ({@code --device}, given to the
 * launcher, chooses it).
 */
@Component(service = Command.class)
public final class DoctorCommand implements Command {

    private final TensorRuntime runtime;
    private final UnaryOperator<String> properties;

    @Activate
    public DoctorCommand(@Reference(name = "runtime") TensorRuntime runtime, BundleContext context) {
        this(runtime, context::getProperty);
    }

    DoctorCommand(TensorRuntime runtime, UnaryOperator<String> properties) {
        this.runtime = runtime;
        this.properties = properties;
    }

    @Override
    public String name() {
        return "doctor";
    }

    @Override
    public String synopsis() {
        return "[--device D]";
    }

    @Override
    public String summary() {
        return "Show Java, DJL and libtorch versions, where libtorch came from, the devices, and check a conv +"
                + " matmul + softmax on the compute device against the CPU.";
    }

    @Override
    public int execute(List<String> args, CommandIO io) throws UsageException {
        Arguments arguments = Arguments.parse(args, Set.of(), Set.of());
        if (!arguments.positionals().isEmpty()) {
            throw new UsageException("doctor takes no arguments, got " + arguments.positionals());
        }
        return runtime.call(() -> {
            Engine engine = Engine.getEngine("PyTorch");
            for (String line : Doctor.facts(engine, runtime.device(), runtime.computeType(), properties)) {
                io.out().println(line);
            }
            boolean ok = true;
            try (NDManager manager = runtime.newManager("doctor")) {
                for (Doctor.Check check : Doctor.checks(manager, runtime.device())) {
                    io.out().println(check.line());
                    ok &= check.ok();
                }
            }
            io.out().println(ok ? "doctor: all checks passed" : "doctor: a check failed (see above)");
            return ok ? OK : FAILED;
        });
    }
}
