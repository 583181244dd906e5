package dev.tessera.cli.internal;

import dev.tessera.cli.Arguments;
import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.UsageException;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.engine.ParseProblem;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.ValidationProblem;
import dev.tessera.graph.engine.ValidationReport;
import dev.tessera.graph.engine.Workflow;
import dev.tessera.graph.engine.WorkflowEngine;
import dev.tessera.graph.engine.WorkflowNode;
import dev.tessera.graph.engine.WorkflowParseException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code tessera run <workflow>}: reads a workflow in ComfyUI's API or UI format or from a PNG ({@link WorkflowFile}),
 * validates and runs it, with progress
 * on stderr and the files written listed on stdout. Exit 0 on success, 1 when the workflow is unreadable or
 * invalid or a node fails (every problem listed with node id, class type and input), 2 for a wrong command line.
 */
@Component(service = Command.class)
public final class RunCommand implements Command {

    private final WorkflowEngine engine;
    private final Folders folders;
    private final RunRegistry runs;

    @Activate
    public RunCommand(@Reference(name = "engine") WorkflowEngine engine, @Reference(name = "folders") Folders folders,
            @Reference(name = "runs") RunRegistry runs) {
        this.engine = engine;
        this.folders = folders;
        this.runs = runs;
    }

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String synopsis() {
        return "<workflow.json> [--out DIR] [--input DIR] [--models DIR] [--temp DIR]";
    }

    @Override
    public String summary() {
        return "Run a workflow (ComfyUI API or UI JSON, or a PNG that holds one) and list the files it wrote.";
    }

    @Override
    public int execute(List<String> args, CommandIO io) throws UsageException {
        Arguments arguments = Arguments.parse(args, FolderOptions.names(), Set.of());
        List<String> files = arguments.positionals();
        if (files.isEmpty()) throw new UsageException("run needs a workflow file");
        if (files.size() > 1) throw new UsageException("run takes one workflow file, got " + files.size() + ": " + files);
        Path workingDir = Paths.get("").toAbsolutePath();
        List<String> mismatches = FolderOptions.mismatches(arguments, folders, workingDir);
        if (!mismatches.isEmpty()) {
            mismatches.forEach(m -> io.err().println("error: " + m));
            return FAILED;
        }
        return run(Paths.get(files.get(0)), io, workingDir);
    }

    private int run(Path file, CommandIO io, Path workingDir) {
        PrintStream err = io.err();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            err.println("error: workflow file not found: " + file.toAbsolutePath());
            return FAILED;
        } catch (AccessDeniedException e) {
            err.println("error: workflow file not readable (permission denied): " + file.toAbsolutePath());
            return FAILED;
        } catch (IOException e) {
            err.println("error: cannot read " + file + ": " + e.getMessage());
            return FAILED;
        }

        WorkflowFile loaded;
        try {
            loaded = WorkflowFile.read(bytes, file.toString(), engine);
        } catch (WorkflowFile.Unrecognised e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        } catch (WorkflowParseException e) {
            err.println("error: " + file + " is not a workflow (" + plural(e.problems().size(), "problem") + "):");
            for (ParseProblem p : e.problems()) err.println("  " + ProblemLines.of(p));
            return FAILED;
        }
        Workflow workflow = loaded.workflow();
        if (loaded.format() != null) {
            err.println("tessera: " + file.getFileName() + ": the workflow in " + loaded.format()
                    + (loaded.format().contains("API") ? "" : ", converted to API format by ComfyUI's rules"));
        }
        for (String note : loaded.notes()) err.println("warning: " + note);

        ValidationReport report = engine.validate(workflow);
        warn(report, err);
        if (!report.ok()) {
            printInvalid(file, report, err);
            return FAILED;
        }

        Set<String> needed = NeededNodes.of(workflow, report.outputNodes());
        err.println("tessera: running " + file.getFileName() + " (" + plural(needed.size(), "node") + "); input "
                + OutputFiles.show(folders.input(), workingDir) + ", output " + OutputFiles.show(folders.output(), workingDir));
        ProgressBar bar = new ProgressBar(err, io.interactive(), classTypes(workflow), needed.size());
        long start = System.nanoTime();
        RunOptions options = RunOptions.defaults().withExtraPngInfo(loaded.extraPngInfo());
        RunResult result;
        // Listed (and interruptible) for a host's shell while it runs: tessera:queue, tessera:interrupt.
        try (RunRegistry.Listing listed = runs.add(options.promptId(), file.toString(), options.interrupt())) {
            result = engine.run(workflow, options, bar);
        }
        bar.finish();
        double seconds = (System.nanoTime() - start) / 1e9;
        return report(file, result, seconds, io, workingDir);
    }

    private int report(Path file, RunResult result, double seconds, CommandIO io, Path workingDir) {
        PrintStream err = io.err();
        switch (result.status()) {
            case SUCCESS -> {
                List<String> lines = OutputFiles.lines(result.outputs(), folders, workingDir);
                lines.forEach(io.out()::println);
                io.out().flush();
                err.printf("tessera: done in %.1f s: %s executed, %s cached, %s%n", seconds,
                        plural(result.executed().size(), "node"), plural(result.cached().size(), "node"),
                        plural(lines.size(), "output"));
                return OK;
            }
            case INVALID -> {
                // The node types changed between validation and the run (a plugin came or went).
                printInvalid(file, result.validation(), err);
                return FAILED;
            }
            case FAILED -> {
                err.println("error: " + file + " failed after " + plural(result.executed().size(), "node") + ":");
                for (String line : ProblemLines.of(result.error())) err.println("  " + line);
                return FAILED;
            }
            case INTERRUPTED -> {
                var where = result.interruption();
                err.println("error: " + file + " was interrupted at "
                        + ProblemLines.where(where.nodeId(), where.classType(), null).replaceFirst(": $", ""));
                return FAILED;
            }
            default -> throw new IllegalStateException("unknown run status " + result.status());
        }
    }

    private static void printInvalid(Path file, ValidationReport report, PrintStream err) {
        err.println("error: " + file + " is invalid (" + plural(report.errors().size(), "error") + "):");
        for (ValidationProblem p : report.errors()) err.println("  " + ProblemLines.of(p));
    }

    private static void warn(ValidationReport report, PrintStream err) {
        for (ValidationProblem p : report.warnings()) err.println("warning: " + ProblemLines.of(p));
    }

    private static Map<String, String> classTypes(Workflow workflow) {
        Map<String, String> types = new LinkedHashMap<>();
        for (WorkflowNode node : workflow.nodes().values()) types.put(node.id(), node.classType());
        return types;
    }

    static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
