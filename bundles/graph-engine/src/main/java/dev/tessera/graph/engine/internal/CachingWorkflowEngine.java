package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.engine.ExecutionListener;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.ValidationReport;
import dev.tessera.graph.engine.Workflow;
import dev.tessera.graph.engine.WorkflowEngine;
import dev.tessera.graph.engine.WorkflowLimits;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** The workflow engine service: validation against the registry, one run at a time, outputs cached between runs. */
@Component(service = WorkflowEngine.class)
public final class CachingWorkflowEngine implements WorkflowEngine {

    private final NodeTypeRegistry registry;
    private final WorkflowLimits limits;
    private final WorkflowParser parser;
    private final OutputCache cache = new OutputCache();
    /** Runs share the cache, so they take turns, as ComfyUI's single prompt worker does. */
    private final ReentrantLock runLock = new ReentrantLock();

    @Activate
    public CachingWorkflowEngine(@Reference(name = "registry") NodeTypeRegistry registry, BundleContext context) {
        // BundleContext.getProperty falls back to system properties.
        this(registry, WorkflowLimits.from(context::getProperty));
    }

    /** Not public: SCR must find exactly one public constructor. Default limits. */
    CachingWorkflowEngine(NodeTypeRegistry registry) {
        this(registry, WorkflowLimits.DEFAULTS);
    }

    CachingWorkflowEngine(NodeTypeRegistry registry, WorkflowLimits limits) {
        this.registry = registry;
        this.limits = limits;
        this.parser = new WorkflowParser(limits);
    }

    @Override
    public WorkflowLimits limits() {
        return limits;
    }

    @Deactivate
    void deactivate() {
        clearCache();
    }

    @Override
    public Workflow parse(String json, String source) {
        return parser.parse(json, source);
    }

    @Override
    public ValidationReport validate(Workflow workflow) {
        return new WorkflowValidator(workflow, registry.snapshot(), Set.of()).validate().report();
    }

    @Override
    public RunResult run(Workflow workflow, RunOptions options, ExecutionListener listener) {
        runLock.lock();
        try {
            Map<String, RegisteredType> types = registry.snapshot();
            Validation validation = new WorkflowValidator(workflow, types, options.outputs()).validate();
            if (!validation.report().ok()) {
                return new RunResult(options.promptId(), RunResult.Status.INVALID, validation.report(), Map.of(),
                        List.of(), List.of(), null, null);
            }
            return new WorkflowRun(workflow, validation, options, new EventSink(listener), cache, types).execute();
        } finally {
            runLock.unlock();
        }
    }

    @Override
    public List<NodeDescriptor> nodeTypes() {
        return registry.snapshot().values().stream().map(RegisteredType::descriptor)
                .sorted(Comparator.comparing(NodeDescriptor::typeId)).toList();
    }

    @Override
    public Optional<NodeDescriptor> nodeType(String typeId) {
        return Optional.ofNullable(registry.snapshot().get(typeId)).map(RegisteredType::descriptor);
    }

    @Override
    public void clearCache() {
        runLock.lock();
        try {
            cache.clear();
        } finally {
            runLock.unlock();
        }
    }

    /** How many results the cache holds (for tests and diagnostics). */
    int cachedResults() {
        return cache.size();
    }
}
