package dev.tessera.embed;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs workflows for a host application, a service of the bundle {@code dev.tessera.cli}. Every run goes to the
 * framework's one workflow engine, as {@code tessera run}, the shell's {@code tessera:run} and the HTTP server's
 * queue do: one run executes at a time and the others wait for it. While a run waits or executes it is listed by
 * the shell's {@code tessera:queue} and stopped by {@code tessera:interrupt}.
 *
 * <p>No method throws for a problem of the workflow: an unreadable or invalid workflow gives a run that has already
 * ended as {@link RunOutcome.Status#INVALID}, with the same problems as the command line's.
 */
@ProviderType
public interface WorkflowRunner {

    /**
     * Starts a workflow given as JSON text, in ComfyUI's API format or its UI format (the editor's, converted by
     * ComfyUI's rules).
     *
     * @param listener told of the run's events on the thread that runs it; may be null
     */
    WorkflowRun submit(String workflowJson, RunListener listener);

    /**
     * Starts a workflow given as the bytes of a workflow file: API or UI JSON in UTF-8, or a PNG with a
     * {@code prompt} or {@code workflow} text chunk (as ComfyUI and Tessera save their images).
     *
     * @param source a name for messages (a file name); may be null
     * @param listener may be null
     */
    WorkflowRun submit(byte[] workflowFile, String source, RunListener listener);

    /** Starts a workflow built in Java; it runs as its API JSON ({@link Graph#toApiJson()}) would. */
    WorkflowRun submit(Graph graph, RunListener listener);

    /** The node types installed right now (their {@code class_type} names), sorted. */
    List<String> nodeTypes();
}
