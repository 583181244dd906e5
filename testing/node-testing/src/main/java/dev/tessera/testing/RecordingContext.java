package dev.tessera.testing;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Preview;
import dev.tessera.graph.api.ResourceScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An execution context that records the progress a node reports and the previews it sends, and reports an
 * interrupt once a given number of progress reports were made (so tests can check cooperative cancellation).
 */
public final class RecordingContext implements ExecutionContext {

    private final String nodeId;
    private final ResourceScope scope;
    private final Optional<String> workflowJson;
    private final Map<String, String> extraPngInfo;
    private final int interruptAfter;
    private final List<long[]> progress = new ArrayList<>();
    private final List<Preview> previews = new ArrayList<>();

    private RecordingContext(String nodeId, ResourceScope scope, Optional<String> workflowJson,
                             Map<String, String> extraPngInfo, int interruptAfter) {
        this.nodeId = nodeId;
        this.scope = scope;
        this.workflowJson = workflowJson;
        this.extraPngInfo = extraPngInfo;
        this.interruptAfter = interruptAfter;
    }

    /** Node "1", no workflow to embed, never interrupted. */
    public RecordingContext(ResourceScope scope) {
        this("1", scope, Optional.empty(), Map.of(), Integer.MAX_VALUE);
    }

    public RecordingContext withNodeId(String id) {
        return new RecordingContext(id, scope, workflowJson, extraPngInfo, interruptAfter);
    }

    public RecordingContext withWorkflow(String json, Map<String, String> pngInfo) {
        return new RecordingContext(nodeId, scope, Optional.of(json), pngInfo, interruptAfter);
    }

    /** Reports an interrupt once {@code reports} progress reports were made. */
    public RecordingContext interruptedAfter(int reports) {
        return new RecordingContext(nodeId, scope, workflowJson, extraPngInfo, reports);
    }

    @Override public String nodeId() { return nodeId; }
    @Override public String promptId() { return "test-prompt"; }
    @Override public ResourceScope scope() { return scope; }
    @Override public Optional<String> workflowJson() { return workflowJson; }
    @Override public Map<String, String> extraPngInfo() { return extraPngInfo; }

    @Override
    public synchronized void progress(long value, long max) {
        progress.add(new long[] {value, max});
    }

    @Override
    public synchronized void progress(long value, long max, Preview preview) {
        progress(value, max);
        previews.add(preview);
    }

    @Override
    public synchronized boolean isInterrupted() {
        return progress.size() >= interruptAfter;
    }

    /** Every (value, max) reported, in order. */
    public synchronized List<long[]> progress() {
        return List.copyOf(progress);
    }

    public synchronized List<Preview> previews() {
        return List.copyOf(previews);
    }
}
