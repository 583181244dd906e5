package dev.tessera.server.internal;

import dev.tessera.graph.engine.InterruptToken;
import dev.tessera.graph.engine.ParseProblem;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.ValidationReport;
import dev.tessera.graph.engine.Workflow;
import dev.tessera.graph.engine.WorkflowEngine;
import dev.tessera.graph.engine.WorkflowParseException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's prompt queue: prompts are validated when submitted, then run one at a time, lowest number first, on
 * one worker thread through {@link WorkflowEngine#run}. Finished prompts go to the {@link History}. Queue changes
 * are broadcast as {@code status}; a prompt's events go to the client that submitted it.
 */
@Component(service = PromptQueue.class)
public final class PromptQueue {

    private static final System.Logger LOG = System.getLogger(PromptQueue.class.getName());
    private static final Comparator<QueueItem> ORDER = Comparator.comparingLong(QueueItem::number)
            .thenComparingLong(QueueItem::sequence);

    /** The result of a submission: ComfyUI's {@code {prompt_id, number}}. */
    public record Submitted(String promptId, long number) {
    }

    /**
     * What {@link #resume()} did.
     *
     * @param queued  the prompts queued again
     * @param refused one line per prompt or file that could not be queued again, saying why
     */
    public record Resumed(List<String> queued, List<String> refused) {
    }

    private final WorkflowEngine engine;
    private final ClientHub hub;
    private final EventFrames frames;
    private final History history;
    private final Object lock = new Object();
    private final PriorityQueue<QueueItem> pending = new PriorityQueue<>(ORDER);
    private final Thread worker;
    private long nextNumber;
    private long nextSequence;
    private QueueItem running;
    private RunRecorder runningRecorder;
    private boolean stopped;
    private final QueueJournal journal;
    /**
     * Until {@link #resume()} has queued the journal's prompts again the journal stays as it is (a prompt submitted
     * earlier is written with them at the end of resume()).
     */
    private boolean resuming;

    @Activate
    public PromptQueue(@Reference WorkflowEngine engine, @Reference ClientHub hub, @Reference ServerConfig config) {
        this(engine, hub, config.historySize(), System::currentTimeMillis, config.queueJournal());
    }

    private PromptQueue(WorkflowEngine engine, ClientHub hub, int historySize, LongSupplier clock, Path journal) {
        this.engine = engine;
        this.hub = hub;
        this.journal = journal == null ? null : new QueueJournal(journal);
        this.resuming = journal != null;
        this.frames = new EventFrames(clock);
        this.history = new History(historySize);
        this.worker = new Thread(this::work, "tessera-prompt-worker");
        worker.setDaemon(true);
        worker.start();
    }

    /** A started queue outside OSGi (tests, embedding); {@link #stop()} ends it. */
    public static PromptQueue start(WorkflowEngine engine, ClientHub hub, int historySize, LongSupplier clock) {
        return new PromptQueue(engine, hub, historySize, clock, null);
    }

    /**
     * A started queue that keeps its accepted, unfinished prompts in {@code journal} (outside OSGi); they are
     * queued again by {@link #resume()}.
     */
    public static PromptQueue start(WorkflowEngine engine, ClientHub hub, int historySize, LongSupplier clock, Path journal) {
        return new PromptQueue(engine, hub, historySize, clock, journal);
    }

    /** The journal file, or null when the queue is kept in memory only. */
    public Path journal() {
        return journal == null ? null : journal.file();
    }

    /** How deep a {@code POST /prompt} body may nest: one level more than the engine allows a workflow. */
    public int maxBodyDepth() {
        return engine.limits().maxDepth() + 1;
    }

    /**
     * Validates and queues a prompt.
     *
     * @throws ApiException 400 with ComfyUI's {@code {error, node_errors}} when the workflow is malformed or invalid,
     *                      or its {@code prompt_id} is already waiting or running
     */
    public Submitted submit(PromptRequest request) {
        Workflow workflow = parse(request);
        ValidationReport report = engine.validate(workflow);
        if (!report.ok()) {
            throw new ApiException(400, report.toComfyErrorBody(), "Prompt outputs failed validation");
        }
        String id = request.promptId() != null ? request.promptId() : UUID.randomUUID().toString();
        Submitted submitted;
        synchronized (lock) {
            if (stopped) throw ApiException.of(503, "server_stopping", "the server is stopping and takes no prompts");
            if (isQueued(id)) {
                throw ApiException.badRequest("invalid_prompt", "prompt_id '" + id + "' is already waiting or running");
            }
            long number;
            if (request.number() != null) {
                number = request.number();
            } else {
                number = request.front() ? -nextNumber : nextNumber;
                nextNumber++;
            }
            QueueItem item = new QueueItem(number, nextSequence++, id, request.prompt(), request.extraData(),
                    report.outputNodes(), request.clientId(), workflow, request.extraPngInfo(), new InterruptToken());
            pending.add(item);
            try {
                saveJournal();
            } catch (IOException e) {
                // Accepted means kept: a prompt that could not be journaled is not accepted.
                pending.remove(item);
                throw ApiException.of(503, "queue_journal_failed", "the prompt was not queued: the queue journal "
                        + journal.file() + " could not be written (" + e.getMessage() + ")");
            }
            lock.notifyAll();
            submitted = new Submitted(id, number);
            broadcastStatus();
        }
        return submitted;
    }

    private Workflow parse(PromptRequest request) {
        try {
            return engine.parse(Json.write(request.prompt()), "prompt");
        } catch (WorkflowParseException e) {
            throw new ApiException(400, parseErrorBody(e), e.getMessage());
        }
    }

    /** A malformed workflow in ComfyUI's error shape, each problem under its node. */
    static Map<String, Object> parseErrorBody(WorkflowParseException e) {
        Map<String, Object> nodeErrors = new LinkedHashMap<>();
        ParseProblem first = e.problems().isEmpty() ? null : e.problems().get(0);
        for (ParseProblem p : e.problems()) {
            if (p.nodeId() == null) continue;
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = (Map<String, Object>) nodeErrors.computeIfAbsent(p.nodeId(), id -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("errors", new ArrayList<Map<String, Object>>());
                m.put("dependent_outputs", List.of());
                m.put("class_type", null);
                return m;
            });
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> errors = (List<Map<String, Object>>) entry.get("errors");
            errors.add(error(p.type(), p.message(), p.inputName()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error(first == null ? "invalid_prompt" : first.type(), e.getMessage(), ""));
        body.put("node_errors", nodeErrors);
        return body;
    }

    private static Map<String, Object> error(String type, String message, String details) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("message", message);
        m.put("details", details == null ? "" : details);
        m.put("extra_info", details == null || details.isEmpty() ? Map.of() : Map.of("input_name", details));
        return m;
    }

    private boolean isQueued(String id) {
        return (running != null && running.promptId().equals(id)) || pending.stream().anyMatch(i -> i.promptId().equals(id));
    }

    /** Whether {@link #stop()} has begun: new prompts are refused from then on. */
    boolean stopping() {
        synchronized (lock) {
            return stopped;
        }
    }

    /** Prompts waiting plus the one running (ComfyUI's {@code queue_remaining}). */
    public int remaining() {
        synchronized (lock) {
            return pending.size() + (running == null ? 0 : 1);
        }
    }

    /** {@code GET /queue}: {@code {queue_running: [entry], queue_pending: [entries in run order]}}. */
    public Map<String, Object> queueBody() {
        synchronized (lock) {
            List<Object> runningList = running == null ? List.of() : List.of(running.entry());
            List<QueueItem> waiting = new ArrayList<>(pending);
            waiting.sort(ORDER);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("queue_running", runningList);
            body.put("queue_pending", waiting.stream().map(QueueItem::entry).toList());
            return body;
        }
    }

    /** Drops every waiting prompt (not the running one, as ComfyUI). */
    public void clearPending() {
        synchronized (lock) {
            pending.clear();
            saveJournalOrWarn();
            broadcastStatus();
        }
    }

    /** Drops the waiting prompts with these ids; unknown ids are ignored, as ComfyUI does. */
    public void deletePending(Collection<String> ids) {
        Set<String> set = Set.copyOf(ids);
        synchronized (lock) {
            pending.removeIf(i -> set.contains(i.promptId()));
            saveJournalOrWarn();
            broadcastStatus();
        }
    }

    /**
     * Asks the running prompt to stop.
     *
     * @param promptId only if this prompt is the one running; null for whatever runs
     * @return whether a running prompt was asked to stop
     */
    public boolean interrupt(String promptId) {
        synchronized (lock) {
            if (running == null || (promptId != null && !running.promptId().equals(promptId))) return false;
            running.interrupt().interrupt();
            return true;
        }
    }

    public History history() {
        return history;
    }

    /**
     * What a (re)connecting client needs to follow a prompt of its own that is running: the {@code executing}
     * message for the node running now.
     */
    public Optional<Frame> resumeFor(String sid) {
        synchronized (lock) {
            if (running == null || runningRecorder == null || !sid.equals(running.clientId())) return Optional.empty();
            String node = runningRecorder.currentNode();
            if (node == null) return Optional.empty();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("node", node);
            data.put("display_node", node);
            data.put("prompt_id", running.promptId());
            return Optional.of(EventFrames.text("executing", data));
        }
    }

    /**
     * Called with the lock held, so that clients see the counts in the order the queue changed (sending never blocks:
     * each client has its own outbound queue).
     */
    private void broadcastStatus() {
        hub.send(null, EventFrames.status(pending.size() + (running == null ? 0 : 1), null));
    }

    private void work() {
        while (true) {
            QueueItem item;
            RunRecorder recorder;
            synchronized (lock) {
                while (pending.isEmpty() && !stopped) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        stopped = true;
                    }
                }
                if (stopped) return;
                item = pending.poll();
                recorder = new RunRecorder(item, hub, frames);
                running = item;
                runningRecorder = recorder;
                broadcastStatus();
            }
            boolean interrupted = execute(item, recorder);
            // As ComfyUI: the history has the prompt and the queue has let it go before its end is announced.
            synchronized (lock) {
                running = null;
                runningRecorder = null;
                // A prompt cut short because the server stops stays in the journal, to run again after a restart.
                if (!(stopped && interrupted)) saveJournalOrWarn();
                broadcastStatus();
            }
            recorder.finish();
        }
    }

    /** @return whether the run was interrupted */
    private boolean execute(QueueItem item, RunRecorder recorder) {
        RunResult result = null;
        try {
            RunOptions options = new RunOptions(item.promptId(), item.interrupt(), item.extraPngInfo(), Set.of());
            result = engine.run(item.workflow(), options, recorder);
            if (result.status() == RunResult.Status.INVALID) recorder.invalidAtRun(result);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.ERROR, "prompt " + item.promptId() + " could not be run", e);
            recorder.failedAround(e);
        } finally {
            history.put(item.promptId(), recorder.historyEntry(result));
        }
        return result != null && result.status() == RunResult.Status.INTERRUPTED;
    }

    /**
     * Queues the journal's prompts again, in their order, with their ids and numbers, validated again (a prompt
     * whose node types are gone is refused, with the reason); new prompts are numbered after them. Without a
     * journal nothing happens. An unreadable journal is moved aside (reported) rather than overwritten. Until this
     * is called the journal is only read, never written; call it once, when the node types are registered.
     */
    public Resumed resume() {
        if (journal == null) return new Resumed(List.of(), List.of());
        synchronized (lock) {
            if (!resuming) throw new IllegalStateException("the queue journal " + journal.file() + " was resumed already");
        }
        List<String> queued = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> bodies;
        try {
            bodies = journal.load(maxBodyDepth());
        } catch (IOException e) {
            String where;
            try {
                where = "moved to " + journal.setAside();
            } catch (IOException moving) {
                where = "could not be moved aside: " + moving.getMessage();
            }
            refused.add(e.getMessage() + " (" + where + ")");
            bodies = List.of();
        }
        long last = Long.MIN_VALUE;
        try {
            for (String text : bodies) {
                String id = "?";
                try {
                    PromptRequest request = PromptRequest.parse(text, maxBodyDepth());
                    id = request.promptId();
                    String invalid = whyInvalid(request);
                    if (invalid != null) {
                        refused.add("prompt " + id + ": " + invalid);
                        continue;
                    }
                    Submitted s = submit(request);
                    queued.add(s.promptId());
                    last = Math.max(last, s.number());
                } catch (ApiException e) {
                    refused.add("prompt " + id + ": " + e.getMessage());
                }
            }
        } finally {
            synchronized (lock) {
                resuming = false;
                if (last != Long.MIN_VALUE) nextNumber = Math.max(nextNumber, last + 1);
                saveJournalOrWarn();
            }
        }
        return new Resumed(queued, refused);
    }

    /** Null when the request parses and validates, else the first problem in one line. */
    private String whyInvalid(PromptRequest request) {
        Workflow workflow;
        try {
            workflow = engine.parse(Json.write(request.prompt()), "prompt");
        } catch (WorkflowParseException e) {
            return e.getMessage();
        }
        ValidationReport report = engine.validate(workflow);
        if (report.ok()) return null;
        var p = report.errors().get(0);
        return (p.nodeId() == null ? "" : "node " + p.nodeId() + (p.classType() == null ? "" : " (" + p.classType() + ")")
                + ": ") + p.message() + (report.errors().size() > 1 ? " (and " + (report.errors().size() - 1) + " more)" : "");
    }

    /** Writes the running and waiting prompts to the journal, running first then in run order; lock held. */
    private void saveJournal() throws IOException {
        if (journal == null || resuming) return;
        List<QueueItem> items = new ArrayList<>();
        if (running != null) items.add(running);
        List<QueueItem> waiting = new ArrayList<>(pending);
        waiting.sort(ORDER);
        items.addAll(waiting);
        journal.save(items);
    }

    private void saveJournalOrWarn() {
        try {
            saveJournal();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "the queue journal " + journal.file() + " could not be written: " + e);
        }
    }

    /**
     * Stops taking prompts, interrupts the running one and waits for the worker (at most 30 s). With a journal the
     * waiting prompts and the interrupted one stay in it.
     */
    @Deactivate
    public void stop() {
        synchronized (lock) {
            stopped = true;
            // Kept in the journal, they run after a restart; without one they are dropped.
            if (journal == null) pending.clear();
            if (running != null) running.interrupt().interrupt();
            lock.notifyAll();
        }
        try {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "the prompt worker did not stop within 30 s; a node ignores interrupts");
        }
    }
}
