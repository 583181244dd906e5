package dev.tessera.graph.api;

import java.util.Map;
import java.util.Optional;

/** What the host gives a node while it executes. */
public interface ExecutionContext {

    /** The id of the executing node in the workflow. */
    String nodeId();

    /** The id of the run (ComfyUI's {@code prompt_id}). */
    String promptId();

    /** Reports progress of a long node, e.g. sampler steps. */
    void progress(long value, long max);

    /** Reports progress with a preview image of the intermediate state. */
    void progress(long value, long max, Preview preview);

    /** Whether the user asked to stop this run. */
    boolean isInterrupted();

    /**
     * Throws {@link InterruptedExecutionException} when the user asked to stop; nodes call it between units of
     * work (each sampler step).
     */
    default void checkInterrupted() {
        if (isInterrupted()) throw new InterruptedExecutionException(nodeId());
    }

    /** Resources that close when this run ends. */
    ResourceScope scope();

    /**
     * The workflow being run in API format, as JSON text, for output nodes that embed it (SaveImage writes it
     * into the PNG's {@code prompt} chunk).
     */
    Optional<String> workflowJson();

    /** Extra PNG text chunks given with the run (ComfyUI's {@code extra_pnginfo}, e.g. the editor's workflow), as JSON text per key. */
    Map<String, String> extraPngInfo();
}
