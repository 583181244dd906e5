package dev.tessera.embed;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told what a run does, on the thread that runs it (progress may come from the thread a node reports from). An
 * exception thrown here is logged and does not affect the run.
 */
@ConsumerType
@FunctionalInterface
public interface RunListener {

    void onEvent(RunEvent event);

    /** The run is over; called before {@link WorkflowRun#completion()} completes. */
    default void onFinished(RunOutcome outcome) {
    }
}
