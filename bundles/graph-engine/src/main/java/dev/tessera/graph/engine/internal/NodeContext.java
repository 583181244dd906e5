package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Preview;
import dev.tessera.graph.api.ResourceScope;
import dev.tessera.graph.engine.ExecutionEvent;
import dev.tessera.graph.engine.InterruptToken;
import java.util.Map;
import java.util.Optional;

/** The context of one node execution within a run. */
final class NodeContext implements ExecutionContext {

    private final String nodeId;
    private final String promptId;
    private final InterruptToken interrupt;
    private final RunScope scope;
    private final EventSink events;
    private final String workflowJson;
    private final Map<String, String> extraPngInfo;

    NodeContext(String nodeId, String promptId, InterruptToken interrupt, RunScope scope, EventSink events,
            String workflowJson, Map<String, String> extraPngInfo) {
        this.nodeId = nodeId;
        this.promptId = promptId;
        this.interrupt = interrupt;
        this.scope = scope;
        this.events = events;
        this.workflowJson = workflowJson;
        this.extraPngInfo = extraPngInfo;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public String promptId() {
        return promptId;
    }

    @Override
    public void progress(long value, long max) {
        events.emit(new ExecutionEvent.Progress(promptId, nodeId, value, max, null));
    }

    @Override
    public void progress(long value, long max, Preview preview) {
        events.emit(new ExecutionEvent.Progress(promptId, nodeId, value, max, preview));
    }

    @Override
    public boolean isInterrupted() {
        return interrupt.isInterrupted();
    }

    @Override
    public ResourceScope scope() {
        return scope;
    }

    @Override
    public Optional<String> workflowJson() {
        return Optional.ofNullable(workflowJson);
    }

    @Override
    public Map<String, String> extraPngInfo() {
        return extraPngInfo;
    }
}
