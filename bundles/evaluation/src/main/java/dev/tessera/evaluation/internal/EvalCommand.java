package dev.tessera.evaluation.internal;

import dev.tessera.cli.Arguments;
import dev.tessera.cli.Command;
import dev.tessera.cli.StopSignal;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.UsageException;
import dev.tessera.evaluation.EvalMethod;
import dev.tessera.evaluation.EvaluationException;
import dev.tessera.evaluation.RenderSettings;
import dev.tessera.evaluation.ShapesBenchmark;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.engine.WorkflowEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code tessera eval shapes}: the shapes benchmark ({@link ShapesBenchmark}) with its results in a folder and its
 * table on stdout. Ctrl+C (or SIGTERM) stops after the image in flight and writes what was done; exit 130 then,
 * 1 when a workflow fails, 2 for a wrong command line.
 */
@Component(service = Command.class)
public final class EvalCommand implements Command {

    static final String USAGE = String.join("\n",
            "usage: tessera eval shapes [--seed N] [--per-level N] [--levels 2-6] [--methods LIST] [--out DIR]",
            "                           [--checkpoint NAME] [--mask-encoder NAME] [--lora NAME] [--models DIR]",
            "                           [--steps N] [--cfg X] [--sampler NAME] [--scheduler NAME] [--size N]",
            "  methods: plain, area, miglora-sum, miglora-avg, miglora-mask, each miglora-* also as",
            "           miglora-<fusion>@beta=X; default " + EvalMethod.DEFAULTS);
    static final int STOPPED = 130;
    static final Set<String> OPTIONS = Set.of("--seed", "--per-level", "--levels", "--methods", "--out",
            "--checkpoint", "--mask-encoder", "--lora", "--models", "--steps", "--cfg", "--sampler", "--scheduler",
            "--size");

    private final WorkflowEngine engine;
    private final Folders folders;

    @Activate
    public EvalCommand(@Reference(name = "engine") WorkflowEngine engine,
            @Reference(name = "folders") Folders folders) {
        this.engine = engine;
        this.folders = folders;
    }

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String synopsis() {
        return "shapes [--seed N] [--per-level N] [--levels 2-6] [--methods LIST] [--out DIR] [options]";
    }

    @Override
    public String summary() {
        return "Benchmark layout fidelity on the shapes world: render layouts with each method, score them"
                + " with COCO-MIG's rules.";
    }

    @Override
    public int execute(List<String> args, CommandIO io) throws UsageException {
        if (args.contains("--help") || args.contains("-h")) {
            io.out().println(USAGE);
            return OK;
        }
        Arguments arguments = Arguments.parse(args, OPTIONS, Set.of());
        if (!arguments.positionals().equals(List.of("shapes"))) {
            throw new UsageException(arguments.positionals().isEmpty() ? "which benchmark: shapes"
                    : "unknown benchmark " + arguments.positionals() + "; expected shapes");
        }
        ShapesBenchmark.Options options = options(arguments);
        Path workingDir = Path.of("").toAbsolutePath();
        Path out = arguments.value("--out").map(workingDir::resolve)
                .orElse(folders.output().resolve("eval-shapes"));
        String models = arguments.value("--models").orElse(null);
        if (models != null && !workingDir.resolve(models).normalize().equals(folders.models().toAbsolutePath()
                .normalize())) {
            // The engine's folders are fixed when the framework starts; the launcher applies --models then.
            io.err().println("error: --models " + models + " was not applied: this framework uses "
                    + folders.models() + ". Give it to the tessera launcher, or set the framework property"
                    + " tessera.models.dir.");
            return FAILED;
        }
        io.err().println("tessera: eval shapes, " + plural(options.total(), "image") + " ("
                + options.perLevel() + " per level, levels " + options.levels() + ", "
                + plural(options.methods().size(), "method") + "); models " + folders.models() + ", results in "
                + out);
        return run(options, out, io);
    }

    private int run(ShapesBenchmark.Options options, Path out, CommandIO io) {
        EvalProgress progress = new EvalProgress(io.err(), io.interactive());
        try (StopSignal stop = StopSignal.install("tessera-eval-stop")) {
            ShapesBenchmark.Results results = new ShapesBenchmark(engine, folders).run(options, progress,
                    stop::requested);
            progress.finish();
            List<Path> written = ShapesBenchmark.write(results, out);
            if (!results.table().methods().isEmpty()) {
                io.out().print(results.table().format());
                io.out().flush();
            }
            written.forEach(p -> io.err().println("wrote " + p));
            if (!results.complete()) {
                io.err().println("tessera: stopped; the results hold the images done before the stop");
                return STOPPED;
            }
            return OK;
        } catch (EvaluationException e) {
            progress.finish();
            io.err().println("error: " + e.getMessage());
            return FAILED;
        } catch (IOException e) {
            progress.finish();
            io.err().println("error: cannot write the results into " + out + ": " + e.getMessage());
            return FAILED;
        }
    }

    static ShapesBenchmark.Options options(Arguments a) throws UsageException {
        RenderSettings d = RenderSettings.shapesDefaults();
        List<EvalMethod> methods;
        try {
            methods = EvalMethod.parseList(a.value("--methods").orElse(EvalMethod.DEFAULTS));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--methods: " + e.getMessage());
        }
        try {
            RenderSettings render = new RenderSettings(a.value("--checkpoint").orElse(d.checkpoint()),
                    a.value("--mask-encoder").orElse(d.maskEncoder()), a.value("--lora").orElse(d.lora()),
                    (int) a.number("--steps", d.steps(), 1, 10_000), a.decimal("--cfg", d.cfg(), 0, 100),
                    a.value("--sampler").orElse(d.sampler()), a.value("--scheduler").orElse(d.scheduler()),
                    (int) a.number("--size", d.size(), 1, 16_384));
            return new ShapesBenchmark.Options(a.number("--seed", 0, 0, ShapesBenchmark.MAX_SEED),
                    (int) a.number("--per-level", 20, 1, ShapesBenchmark.MAX_PER_LEVEL),
                    levels(a.value("--levels").orElse("2-6")), methods, render);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** {@code 2-6}, {@code 3}, or a list of those: {@code 2,4-6}. */
    static List<Integer> levels(String text) throws UsageException {
        List<Integer> levels = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String[] ends = part.strip().split("-", -1);
            try {
                int from = Integer.parseInt(ends[0].strip());
                int to = ends.length == 2 ? Integer.parseInt(ends[1].strip()) : from;
                if (ends.length > 2 || from < 1 || to < from) {
                    throw new NumberFormatException();
                }
                for (int level = from; level <= to; level++) {
                    if (levels.contains(level)) {
                        throw new UsageException("--levels " + text + ": level " + level + " is given twice");
                    }
                    levels.add(level);
                }
            } catch (NumberFormatException e) {
                throw new UsageException("--levels " + text + ": '" + part + "' is not a level or range; expected"
                        + " e.g. 2-6, 3 or 2,4-6 (instance counts from 1)");
            }
        }
        return levels;
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
