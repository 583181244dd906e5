package dev.tessera.cli.internal;

import dev.tessera.embed.Graph;
import dev.tessera.embed.OutputFile;
import dev.tessera.embed.Problem;
import dev.tessera.embed.RunEvent;
import dev.tessera.embed.RunListener;
import dev.tessera.embed.RunOutcome;
import dev.tessera.embed.WorkflowRun;
import dev.tessera.embed.WorkflowRunner;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.engine.ExecutionEvent;
import dev.tessera.graph.engine.ExecutionListener;
import dev.tessera.graph.engine.InterruptToken;
import dev.tessera.graph.engine.ParseProblem;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.ValidationProblem;
import dev.tessera.graph.engine.ValidationReport;
import dev.tessera.graph.engine.Workflow;
import dev.tessera.graph.engine.WorkflowEngine;
import dev.tessera.graph.engine.WorkflowNode;
import dev.tessera.graph.engine.WorkflowParseException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The embedding API's runner: the path of {@link RunCommand} (read with {@link WorkflowFile}, validate, run on the
 * engine, which runs one workflow at a time, listed in the {@link RunRegistry} for the shell), with the problems
 * and outputs returned as values instead of printed. Each run waits for the engine on a thread of its own, so a
 * submission returns at once; the engine's lock is the only queue.
 */
@Component(service = WorkflowRunner.class)
public final class EmbeddedRunner implements WorkflowRunner {

    private static final System.Logger LOG = System.getLogger(EmbeddedRunner.class.getName());

    private final WorkflowEngine engine;
    private final Folders folders;
    private final RunRegistry runs;
    private final Set<Run> active = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    @Activate
    public EmbeddedRunner(@Reference(name = "engine") WorkflowEngine engine, @Reference(name = "folders") Folders folders,
            @Reference(name = "runs") RunRegistry runs) {
        this.engine = engine;
        this.folders = folders;
        this.runs = runs;
    }

    /** The framework takes the engine away: the runs still going are interrupted and end as such. */
    @Deactivate
    void deactivate() {
        stopped = true;
        active.forEach(Run::cancel);
    }

    @Override
    public WorkflowRun submit(String workflowJson, RunListener listener) {
        return submit(workflowJson == null ? null : workflowJson.getBytes(StandardCharsets.UTF_8), "workflow", listener);
    }

    @Override
    public WorkflowRun submit(Graph graph, RunListener listener) {
        return submit(graph.toApiJson().getBytes(StandardCharsets.UTF_8), "graph", listener);
    }

    @Override
    public WorkflowRun submit(byte[] workflowFile, String source, RunListener listener) {
        String name = source == null ? "workflow" : source;
        RunOptions options = RunOptions.defaults();
        Run run = new Run(options.promptId(), options.interrupt(), listener);
        if (workflowFile == null) {
            return run.end(invalid(run, List.of(new Problem(null, null, null, "invalid_prompt", "workflow: invalid_prompt: no workflow given (null)")), List.of()));
        }
        if (stopped) {
            return run.end(invalid(run, List.of(new Problem(null, null, null, "server_stopping",
                    "workflow: server_stopping: Tessera's runner is stopping and takes no workflows")), List.of()));
        }
        WorkflowFile loaded;
        try {
            loaded = WorkflowFile.read(workflowFile, name, engine);
        } catch (WorkflowFile.Unrecognised e) {
            return run.end(invalid(run, List.of(new Problem(null, null, null, "invalid_prompt", "workflow: invalid_prompt: " + e.getMessage())), List.of()));
        } catch (WorkflowParseException e) {
            List<Problem> problems = new ArrayList<>();
            for (ParseProblem p : e.problems()) problems.add(new Problem(p.nodeId(), null, p.inputName(), p.type(), ProblemLines.of(p)));
            return run.end(invalid(run, problems, List.of()));
        }
        Workflow workflow = loaded.workflow();
        List<String> warnings = new ArrayList<>(loaded.notes());
        ValidationReport report = engine.validate(workflow);
        for (ValidationProblem p : report.warnings()) warnings.add(ProblemLines.of(p));
        if (!report.ok()) return run.end(invalid(run, validationProblems(report), warnings));

        Map<String, String> classTypes = new LinkedHashMap<>();
        for (WorkflowNode node : workflow.nodes().values()) classTypes.put(node.id(), node.classType());
        int needed = NeededNodes.of(workflow, report.outputNodes()).size();
        RunOptions withInfo = options.withExtraPngInfo(loaded.extraPngInfo());
        // Listed from now on, also while it waits for the engine: tessera:queue shows it, tessera:interrupt stops it.
        RunRegistry.Listing listing = runs.add(run.promptId, "embedded " + name, run.token);
        active.add(run);
        Thread thread = new Thread(() -> {
            RunOutcome outcome;
            try {
                Events events = new Events(run.promptId, listener, classTypes, needed);
                RunResult result = engine.run(workflow, withInfo, events);
                outcome = outcome(result, warnings);
            } catch (RuntimeException | Error e) {
                // The engine reports a workflow's and a node's problems in the result; this is a fault of its own.
                LOG.log(System.Logger.Level.ERROR, "embedded run " + run.promptId + " failed", e);
                outcome = new RunOutcome(run.promptId, RunOutcome.Status.FAILED, List.of(new Problem(null, null, null,
                        "execution_error", "workflow: execution_error: the engine failed: " + e)), warnings, List.of(), Map.of());
            } finally {
                listing.close();
                active.remove(run);
            }
            run.end(outcome);
        }, "tessera-embedded-" + run.promptId);
        thread.setDaemon(true);
        thread.start();
        return run;
    }

    @Override
    public List<String> nodeTypes() {
        return engine.nodeTypes().stream().map(NodeDescriptor::typeId).toList();
    }

    private static RunOutcome invalid(Run run, List<Problem> problems, List<String> warnings) {
        return new RunOutcome(run.promptId, RunOutcome.Status.INVALID, problems, warnings, List.of(), Map.of());
    }

    private static List<Problem> validationProblems(ValidationReport report) {
        List<Problem> problems = new ArrayList<>();
        for (ValidationProblem p : report.errors()) {
            problems.add(new Problem(p.nodeId(), p.classType(), p.inputName(), p.type(), ProblemLines.of(p)));
        }
        return problems;
    }

    private RunOutcome outcome(RunResult result, List<String> warnings) {
        String id = result.promptId();
        return switch (result.status()) {
            case SUCCESS -> {
                List<OutputFile> files = new ArrayList<>();
                Map<String, Map<String, List<Object>>> values = new LinkedHashMap<>();
                result.outputs().forEach((nodeId, ui) -> ui.forEach((key, items) -> {
                    for (Object item : items) {
                        if (item instanceof ImageRef ref) {
                            files.add(new OutputFile(nodeId, key, ref.type(), OutputFiles.path(ref, folders)));
                        } else {
                            values.computeIfAbsent(nodeId, n -> new LinkedHashMap<>()).computeIfAbsent(key, k -> new ArrayList<>()).add(item);
                        }
                    }
                }));
                yield new RunOutcome(id, RunOutcome.Status.SUCCEEDED, List.of(), warnings, files, values);
            }
            case INVALID -> new RunOutcome(id, RunOutcome.Status.INVALID, validationProblems(result.validation()), warnings, List.of(), Map.of());
            case FAILED -> {
                ExecutionEvent.ExecutionError e = result.error();
                Problem p = new Problem(e.nodeId(), e.classType(), e.inputName(), e.errorType(), String.join("\n", ProblemLines.of(e)));
                yield new RunOutcome(id, RunOutcome.Status.FAILED, List.of(p), warnings, List.of(), Map.of());
            }
            case INTERRUPTED -> {
                ExecutionEvent.ExecutionInterrupted where = result.interruption();
                String at = ProblemLines.where(where.nodeId(), where.classType(), null).replaceFirst(": $", "");
                Problem p = new Problem(where.nodeId(), where.classType(), null, "execution_interrupted",
                        at + ": execution_interrupted: the run was interrupted");
                yield new RunOutcome(id, RunOutcome.Status.INTERRUPTED, List.of(p), warnings, List.of(), Map.of());
            }
        };
    }

    /** The engine's events as the API's: node places counted as the command line's progress bar counts them. */
    private static final class Events implements ExecutionListener {
        private final String promptId;
        private final RunListener listener;
        private final Map<String, String> classTypes;
        private int total;
        private int index;
        private String current;

        Events(String promptId, RunListener listener, Map<String, String> classTypes, int total) {
            this.promptId = promptId;
            this.listener = listener;
            this.classTypes = classTypes;
            this.total = total;
        }

        @Override
        public synchronized void onEvent(ExecutionEvent event) {
            if (listener == null) return;
            if (event instanceof ExecutionEvent.ExecutionStart) {
                // STARTED is sent once the cached nodes are known, so its count is the nodes that execute.
                return;
            } else if (event instanceof ExecutionEvent.ExecutionCached cached) {
                total = Math.max(0, total - cached.nodes().size());
                send(RunEvent.Kind.STARTED, null, 0, 0, null);
            } else if (event instanceof ExecutionEvent.Executing executing && executing.node() != null) {
                index++;
                current = executing.node();
                send(RunEvent.Kind.NODE_STARTED, current, 0, 0, null);
            } else if (event instanceof ExecutionEvent.Progress progress) {
                send(RunEvent.Kind.PROGRESS, progress.node(), progress.value(), progress.max(),
                        progress.previewImage().map(p -> p.data()).orElse(null));
            } else if (event instanceof ExecutionEvent.Executed executed) {
                send(RunEvent.Kind.OUTPUT, executed.node(), 0, 0, null);
            }
        }

        private void send(RunEvent.Kind kind, String node, long value, long max, byte[] preview) {
            listener.onEvent(new RunEvent(kind, promptId, node, node == null ? null : classTypes.get(node), value, max,
                    kind == RunEvent.Kind.STARTED ? 0 : index, Math.max(total, index), preview));
        }
    }

    /** A run's handle: its token and the outcome to come. */
    private static final class Run implements WorkflowRun {
        private final String promptId;
        private final InterruptToken token;
        private final RunListener listener;
        private final CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();

        Run(String promptId, InterruptToken token, RunListener listener) {
            this.promptId = promptId;
            this.token = token;
            this.listener = listener;
        }

        Run end(RunOutcome result) {
            if (listener != null) {
                try {
                    listener.onFinished(result);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "the listener of embedded run " + promptId + " failed", e);
                }
            }
            outcome.complete(result);
            return this;
        }

        @Override
        public String promptId() {
            return promptId;
        }

        @Override
        public void cancel() {
            token.interrupt();
        }

        @Override
        public CompletionStage<RunOutcome> completion() {
            return outcome.minimalCompletionStage();
        }

        @Override
        public RunOutcome await(Duration timeout) throws InterruptedException, TimeoutException {
            try {
                return outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("embedded run " + promptId + " completed exceptionally", e.getCause());
            }
        }
    }
}
