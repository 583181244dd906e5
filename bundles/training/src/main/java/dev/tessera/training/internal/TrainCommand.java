package dev.tessera.training.internal;

import ai.djl.ndarray.NDManager;
import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code tessera train shapes|miglora ...}: the shapes world's whole training, or a MIGLoRA adapter for a
 * checkpoint from a dataset folder. Runs resume from the checkpoints in the work folder; Ctrl+C (or SIGTERM) stops
 * at the end of the current step and writes a checkpoint first. Exit 1 on bad data or an unwritable file, 130 when
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
        Map<String, String> options = options(args.subList(1, args.size()));
        TrainingProgress progress = new TrainingProgress(io.err(), io.interactive());
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                // Let the step in flight end and its checkpoint be written before the JVM goes.
                finished.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tessera-train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            boolean done = switch (args.get(0)) {
                case "shapes" -> shapes(options, progress, stop);
                case "miglora" -> miglora(options, progress, stop);
                default -> throw new UsageException("unknown training '" + args.get(0) + "'; expected shapes or"
                        + " miglora");
            };
            return done ? OK : STOPPED;
        } catch (TrainingException | dev.tessera.layout.InvalidDatasetException
                | dev.tessera.models.sd.ModelLoadException e) {
            io.err().println("error: " + e.getMessage());
            return FAILED;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns once finished is counted down
            }
        }
    }

    private boolean shapes(Map<String, String> options, TrainingProgress progress, AtomicBoolean stop)
            throws UsageException {
        only(options, "work", "export", "seed");
        long seed = number(options, "seed", 0);
        Path work = Path.of(options.getOrDefault("work", "shapes-training"));
        Path export = Path.of(options.getOrDefault("export", "sample-workflows/models"));
        return runtime.call(() -> {
            try (NDManager manager = runtime.newManager("train")) {
                return ShapesRecipe.run(ShapesRecipe.standard(seed), work, export, manager, progress, stop::get);
            }
        });
    }

    private boolean miglora(Map<String, String> options, TrainingProgress progress, AtomicBoolean stop)
            throws UsageException {
        only(options, "checkpoint", "dataset", "out", "work", "rank", "alpha", "lr", "steps", "batch", "fusion",
                "max-instances", "encoder-widths", "seed");
        for (String required : List.of("checkpoint", "dataset", "out")) {
            if (!options.containsKey(required)) {
                throw new UsageException("--" + required + " is required");
            }
        }
        MigLoraTraining.Options defaults = ShapesRecipe.standard(0).adapterRun();
        int rank = (int) number(options, "rank", defaults.rank());
        Fusion fusion;
        try {
            fusion = Fusion.of(options.getOrDefault("fusion", defaults.fusion().id()));
        } catch (RuntimeException e) {
            throw new UsageException("--fusion: " + e.getMessage());
        }
        List<Integer> widths = new ArrayList<>();
        for (String w : options.getOrDefault("encoder-widths", "16,32,96,256").split(",")) {
            try {
                widths.add(Integer.parseInt(w.strip()));
            } catch (NumberFormatException e) {
                throw new UsageException("--encoder-widths: '" + w + "' is not a number");
            }
        }
        MigLoraTraining.Options run = new MigLoraTraining.Options(rank, decimal(options, "alpha", rank),
                decimal(options, "lr", defaults.learningRate()), number(options, "steps", defaults.steps()),
                (int) number(options, "batch", defaults.batch()), fusion, defaults.warmup(),
                defaults.checkpointEvery(), widths, defaults.textDropout(),
                (int) number(options, "max-instances", defaults.maxInstances()), defaults.minSnrGamma(),
                number(options, "seed", 0));
        Path out = Path.of(options.get("out"));
        Path work = Path.of(options.getOrDefault("work", out.resolve("work").toString()));
        return runtime.call(() -> {
            try (NDManager manager = runtime.newManager("train")) {
                return MigLoraTrainer.run(run, Path.of(options.get("checkpoint")), Path.of(options.get("dataset")),
                        work, out.resolve("mask_encoder.safetensors"), out.resolve("pytorch_lora_weights.safetensors"),
                        manager, progress, stop::get);
            }
        });
    }

    private static Map<String, String> options(List<String> args) throws UsageException {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || i + 1 >= args.size()) {
                throw new UsageException("'" + arg + "': expected --option value");
            }
            out.put(arg.substring(2), args.get(++i));
        }
        return out;
    }

    private static void only(Map<String, String> options, String... known) throws UsageException {
        List<String> allowed = List.of(known);
        for (String key : options.keySet()) {
            if (!allowed.contains(key)) {
                throw new UsageException("unknown option --" + key + "; expected one of --"
                        + String.join(", --", allowed));
            }
        }
    }

    private static long number(Map<String, String> options, String key, long fallback) throws UsageException {
        String value = options.get(key);
        if (value == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " " + value + ": expected a whole number");
        }
        if (n < 0 || (n == 0 && !key.equals("seed"))) {
            throw new UsageException("--" + key + " " + value + ": expected a positive number");
        }
        return n;
    }

    private static double decimal(Map<String, String> options, String key, double fallback) throws UsageException {
        String value = options.get(key);
        if (value == null) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " " + value + ": expected a number");
        }
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new UsageException("--" + key + " " + value + ": expected a positive number");
        }
        return d;
    }
}
