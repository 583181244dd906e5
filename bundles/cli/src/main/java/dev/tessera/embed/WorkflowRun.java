package dev.tessera.embed;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.osgi.annotation.versioning.ProviderType;

/** One submitted workflow: waiting for the engine, running, or over. */
@ProviderType
public interface WorkflowRun {

    /** The run's id (ComfyUI's {@code prompt_id}); {@link RunEvent#promptId()} and {@code tessera:queue} show it. */
    String promptId();

    /**
     * Asks the run to stop: the engine stops before the next node, a node between its units of work (sampler
     * steps). The run then ends as {@link RunOutcome.Status#INTERRUPTED}; one already over is not changed.
     */
    void cancel();

    /** Completes with the outcome when the run is over; never exceptionally. */
    CompletionStage<RunOutcome> completion();

    /**
     * Waits for the outcome.
     *
     * @throws TimeoutException when the run is not over after {@code timeout} (it goes on; {@link #cancel()} stops it)
     */
    RunOutcome await(Duration timeout) throws InterruptedException, TimeoutException;
}
