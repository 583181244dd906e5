package dev.tessera.training.internal;

import ai.djl.ndarray.NDManager;
import dev.tessera.cli.Arguments;
import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.StopSignal;
import dev.tessera.cli.UsageException;
import dev.tessera.miglora.Fusion;
import dev.tessera.tensor.TensorRuntime;
import dev.tessera.training.MigLoraTrainer;
import dev.tessera.training.MigLoraTraining;
import dev.tessera.training.ShapesRecipe;
import dev.tessera.training.TrainingException;
import dev.tessera.training.TrainingProgress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code tessera train shapes|miglora ...}: the shapes world's whole training, or a MIGLoRA adapter for a
 * checkpoint from a dataset folder. Runs resume from the checkpoints in the work folder; Ctrl+C (or SIGTERM) stops
 * at the end of the current step and writes a checkpoint first ({@link StopSignal}). Exit 1 on bad data or an unwritable file, 130 when
 * stopped.
 */
@Component(service = Command.class)
public final class TrainCommand implements Command {

    static final String USAGE = String.join("\n",
            "usage: tessera train shapes [--work DIR] [--export DIR] [--seed N]",
            "       tessera train miglora --checkpoint FILE --dataset DIR --out DIR [--work DIR] [--rank N]",
            "                             [--alpha X] [--lr X] [--steps N] [--batch N] [--fusion sum|avg|mask]",
            "                             [--max-instances N] [--encoder-widths 16,32,96,256] [--seed N]");
    static final int STOPPED = 130;
    static final Set<String> SHAPES_OPTIONS = Set.of("--work", "--export", "--seed");
    static final Set<String> MIGLORA_OPTIONS = Set.of("--checkpoint", "--dataset", "--out", "--work", "--rank",
            "--alpha", "--lr", "--steps", "--batch", "--fusion", "--max-instances", "--encoder-widths", "--seed");

    private final TensorRuntime runtime;

    @Activate
    public TrainCommand(@Reference TensorRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String synopsis() {
        return "shapes|miglora [options]";
    }

    @Override
    public String summary() {
        return "Train the shapes world's model and adapter, or a MIGLoRA adapter for a checkpoint and dataset.";
    }

    @Override
    public int execute(List<String> args, CommandIO io) throws UsageException {
        if (args.contains("--help") || args.contains("-h")) {
            io.out().println(USAGE);
            return OK;
        }
        if (args.isEmpty()) {
            throw new UsageException("which training: shapes or miglora");
        }
        String which = args.get(0);
        Arguments options = Arguments.parse(args.subList(1, args.size()), switch (which) {
            case "shapes" -> SHAPES_OPTIONS;
            case "miglora" -> MIGLORA_OPTIONS;
            default -> throw new UsageException("unknown training '" + which + "'; expected shapes or miglora");
        }, Set.of());
        if (!options.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + options.positionals().get(0) + "'");
        }
        TrainingProgress progress = new TrainingProgress(io.err(), io.interactive());
        try (StopSignal stop = StopSignal.install("tessera-train-stop")) {
            boolean done = which.equals("shapes") ? shapes(options, progress, stop) : miglora(options, progress, stop);
            return done ? OK : STOPPED;
        } catch (TrainingException | dev.tessera.layout.InvalidDatasetException
                | dev.tessera.models.core.ModelLoadException e) {
            io.err().println("error: " + e.getMessage());
            return FAILED;
        }
    }

    private boolean shapes(Arguments options, TrainingProgress progress, StopSignal stop) throws UsageException {
        // Below 2^40: the benchmark draws its layouts from generator seeds 2^41 and up, never a training set's.
        long seed = options.number("--seed", 0, 0, (1L << 40) - 1);
        Path work = Path.of(options.value("--work").orElse("shapes-training"));
        Path export = Path.of(options.value("--export").orElse("sample-workflows/models"));
        return runtime.call(() -> {
            try (NDManager manager = runtime.newManager("train")) {
                return ShapesRecipe.run(ShapesRecipe.standard(seed), work, export, manager, progress, stop::requested);
            }
        });
    }

    private boolean miglora(Arguments options, TrainingProgress progress, StopSignal stop) throws UsageException {
        for (String required : List.of("--checkpoint", "--dataset", "--out")) {
            if (options.value(required).isEmpty()) {
                throw new UsageException(required + " is required");
            }
        }
        MigLoraTraining.Options defaults = ShapesRecipe.standard(0).adapterRun();
        int rank = (int) options.number("--rank", defaults.rank(), 1, 4096);
        Fusion fusion;
        try {
            fusion = Fusion.of(options.value("--fusion").orElse(defaults.fusion().id()));
        } catch (RuntimeException e) {
            throw new UsageException("--fusion: " + e.getMessage());
        }
        List<Integer> widths = new ArrayList<>();
        for (String w : options.value("--encoder-widths").orElse("16,32,96,256").split(",")) {
            try {
                widths.add(Integer.parseInt(w.strip()));
            } catch (NumberFormatException e) {
                throw new UsageException("--encoder-widths: '" + w + "' is not a number");
            }
        }
        MigLoraTraining.Options run = new MigLoraTraining.Options(rank,
                options.decimal("--alpha", rank, Double.MIN_VALUE, 1e6),
                options.decimal("--lr", defaults.learningRate(), Double.MIN_VALUE, 1),
                options.number("--steps", defaults.steps(), 1, Long.MAX_VALUE),
                (int) options.number("--batch", defaults.batch(), 1, 4096), fusion, defaults.warmup(),
                defaults.checkpointEvery(), widths, defaults.textDropout(),
                (int) options.number("--max-instances", defaults.maxInstances(), 1, 1000), defaults.minSnrGamma(),
                options.number("--seed", 0, 0, Long.MAX_VALUE));
        Path out = Path.of(options.value("--out").get());
        Path work = Path.of(options.value("--work").orElse(out.resolve("work").toString()));
        return runtime.call(() -> {
            try (NDManager manager = runtime.newManager("train")) {
                return MigLoraTrainer.run(run, Path.of(options.value("--checkpoint").get()),
                        Path.of(options.value("--dataset").get()),
                        work, out.resolve("mask_encoder.safetensors"), out.resolve("pytorch_lora_weights.safetensors"),
                        manager, progress, stop::requested);
            }
        });
    }
}
