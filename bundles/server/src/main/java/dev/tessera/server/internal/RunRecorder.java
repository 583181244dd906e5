package dev.tessera.server.internal;

import dev.tessera.graph.engine.ExecutionEvent;
import dev.tessera.graph.engine.ExecutionListener;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.ValidationProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Follows one run: forwards its events to the submitting client as WebSocket frames and keeps the messages ComfyUI
 * keeps in the history ({@code execution_start}, {@code execution_cached} and the final one). The closing
 * {@code executing} with a null node is held back until the history has the prompt, so a client that reads
 * {@code /history/{id}} when it sees the end always finds it.
 */
final class RunRecorder implements ExecutionListener {

    private static final List<String> KEPT = List.of("execution_start", "execution_cached", "execution_success",
            "execution_error", "execution_interrupted");

    private final QueueItem item;
    private final ClientHub hub;
    private final EventFrames frames;
    private final List<List<Object>> messages = new ArrayList<>();
    private volatile String currentNode;
    private Frame closing;

    RunRecorder(QueueItem item, ClientHub hub, EventFrames frames) {
        this.item = item;
        this.hub = hub;
        this.frames = frames;
    }

    @Override
    public void onEvent(ExecutionEvent event) {
        Map<String, Object> data = frames.data(event);
        if (event instanceof ExecutionEvent.Executing e) {
            if (e.node() == null) {
                synchronized (this) {
                    closing = EventFrames.text(event.type(), data);
                }
                currentNode = null;
                return;
            }
            currentNode = e.node();
        }
        if (KEPT.contains(event.type())) {
            synchronized (this) {
                messages.add(List.of(event.type(), data));
            }
        }
        hub.sendAll(frames.frames(event, data), item.clientId());
    }

    /**
     * The engine refused the workflow at run time (a node type went away since it was queued): report it as an
     * {@code execution_error} of the first problem, since no node ran.
     */
    void invalidAtRun(RunResult result) {
        onEvent(new ExecutionEvent.ExecutionStart(item.promptId()));
        List<ValidationProblem> errors = result.validation().errors();
        ValidationProblem first = errors.isEmpty() ? null : errors.get(0);
        String message = errors.stream().map(ValidationProblem::message).collect(Collectors.joining("; "));
        onEvent(new ExecutionEvent.ExecutionError(item.promptId(), first == null ? null : first.nodeId(),
                first == null ? null : first.classType(), "the workflow is no longer valid: " + message,
                "ValidationError", first == null ? "invalid_prompt" : first.type(),
                first == null ? null : first.inputName(), Map.of(), List.of()));
    }

    /** The server failed around the run (not a node): report it so the client is not left waiting. */
    void failedAround(Throwable t) {
        onEvent(new ExecutionEvent.ExecutionError(item.promptId(), null, null,
                "the server could not run the prompt: " + t, t.getClass().getName(), "execution_error", null,
                Map.of(), List.of()));
    }

    /** Sends the held-back end of the run (or makes one). */
    void finish() {
        Frame end;
        synchronized (this) {
            end = closing != null ? closing
                    : EventFrames.text("executing", frames.data(new ExecutionEvent.Executing(item.promptId(), null)));
            closing = null;
        }
        currentNode = null;
        hub.send(item.clientId(), end);
    }

    String currentNode() {
        return currentNode;
    }

    /** The history entry for this run. */
    Map<String, Object> historyEntry(RunResult result) {
        Map<String, Object> outputs = result == null ? Map.of() : UiValues.outputs(result.outputs());
        boolean success = result != null && result.status() == RunResult.Status.SUCCESS;
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("status_str", success ? "success" : "error");
        status.put("completed", success);
        synchronized (this) {
            status.put("messages", List.copyOf(messages));
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        for (String node : outputs.keySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node_id", node);
            m.put("display_node", node);
            m.put("parent_node", null);
            m.put("real_node_id", node);
            meta.put(node, m);
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("prompt", item.entry());
        entry.put("outputs", outputs);
        entry.put("status", status);
        entry.put("meta", meta);
        return entry;
    }
}
