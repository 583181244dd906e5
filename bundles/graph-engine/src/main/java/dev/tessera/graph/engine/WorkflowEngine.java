package dev.tessera.graph.engine;

import dev.tessera.graph.api.NodeDescriptor;
import java.util.List;
import java.util.Optional;

/**
 * Parses, validates and runs workflows in ComfyUI's API format with the node types registered right now.
 * Registered as an OSGi service. Runs are executed one at a time (a second caller waits); outputs are cached
 * between runs so that a changed widget re-executes only the nodes that depend on it.
 */
public interface WorkflowEngine {

    /**
     * Reads a workflow from JSON text.
     *
     * @param source a name for messages, e.g. the file name; may be null
     * @throws WorkflowParseException with every structural problem (bad JSON with line and column, not an object,
     *                                a node without {@code class_type}, a link of the wrong shape)
     */
    Workflow parse(String json, String source);

    /** The limits {@link #parse} applies (nesting depth, node count), e.g. for a server reading a request around a workflow. */
    WorkflowLimits limits();

    /** Checks a workflow against the registered node types and reports every problem. */
    ValidationReport validate(Workflow workflow);

    /**
     * Validates, then executes what the output nodes need, in dependency order, on the calling thread. Never
     * throws for a problem of the workflow or a node: the result and the events say what happened.
     */
    RunResult run(Workflow workflow, RunOptions options, ExecutionListener listener);

    /** The registered node types, sorted by type id. */
    List<NodeDescriptor> nodeTypes();

    Optional<NodeDescriptor> nodeType(String typeId);

    /** Drops every cached output, closing those that are AutoCloseable (ComfyUI's {@code /free}). */
    void clearCache();
}
