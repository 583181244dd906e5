package dev.tessera.cli;

import java.time.Instant;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The workflows {@code tessera run} is running or about to run in this framework (the engine runs one at a time;
 * a second run waits for the first), for a host's shell to list and interrupt. A service of the cli bundle.
 */
@ProviderType
public interface ActiveRuns {

    /** One run: its prompt id, the workflow file, and when it was handed to the engine. */
    record Run(String promptId, String source, Instant started) {
    }

    /** The runs in progress or waiting, oldest first. */
    List<Run> list();

    /**
     * Asks every run in progress or waiting to stop (the engine stops before the next node, nodes between units of
     * work); each then ends as interrupted.
     *
     * @return how many runs were asked
     */
    int interruptAll();
}
