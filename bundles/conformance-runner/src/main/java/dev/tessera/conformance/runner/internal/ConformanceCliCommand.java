package dev.tessera.conformance.runner.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.UsageException;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.runner.ConformanceCommand;
import dev.tessera.tensor.TensorRuntime;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code tessera conformance <pack-dir> [--only <family>...]}: runs a pack with every {@link ConformanceFamily}
 * service on the tensor runtime's device, in float32 (the precision the pack's tolerances hold for). Exit code 1
 * when a case fails or none passed.
 */
@Component(service = Command.class)
public final class ConformanceCliCommand implements Command {

    private final TensorRuntime runtime;
    private final List<ConformanceFamily> families;

    @Activate
    public ConformanceCliCommand(@Reference(name = "runtime") TensorRuntime runtime,
            @Reference(name = "families", service = ConformanceFamily.class,
                    cardinality = ReferenceCardinality.MULTIPLE, policyOption = ReferencePolicyOption.GREEDY)
            List<ConformanceFamily> families) {
        this.runtime = runtime;
        this.families = List.copyOf(families);
    }

    @Override
    public String name() {
        return "conformance";
    }

    @Override
    public String synopsis() {
        return "<pack-dir> [--only <family>...]";
    }

    @Override
    public String summary() {
        return "Run a conformance pack's cases and print each one's relative error.";
    }

    @Override
    public int execute(List<String> args, CommandIO io) throws UsageException {
        ConformanceCommand.Arguments parsed;
        try {
            parsed = ConformanceCommand.Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (parsed.help()) {
            io.out().println(ConformanceCommand.USAGE);
            io.out().println(ConformanceCommand.DESCRIPTION);
            return OK;
        }
        // DJL finds its engine through the tensor bundle's class loader.
        return runtime.call(() -> {
            try (NDManager manager = runtime.newManager("conformance")) {
                return ConformanceCommand.run(parsed, families, manager, DataType.FLOAT32, io.out(), io.err());
            }
        });
    }
}
