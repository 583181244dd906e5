package dev.tessera.cli.internal;

import dev.tessera.cli.ActiveRuns;
import dev.tessera.graph.engine.InterruptToken;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** The runs of {@link RunCommand} with their interrupt tokens, between handing a workflow to the engine and its end. */
@Component(service = {ActiveRuns.class, RunRegistry.class})
public final class RunRegistry implements ActiveRuns {

    private record Entry(Run run, InterruptToken token) {
    }

    private final Map<String, Entry> runs = new LinkedHashMap<>();

    /** A run's place in the list, left when closed. */
    interface Listing extends AutoCloseable {
        @Override
        void close();
    }

    /** Registers a run until the returned handle is closed. */
    Listing add(String promptId, String source, InterruptToken token) {
        synchronized (runs) {
            runs.put(promptId, new Entry(new Run(promptId, source, Instant.now()), token));
        }
        return () -> {
            synchronized (runs) {
                runs.remove(promptId);
            }
        };
    }

    @Override
    public List<Run> list() {
        synchronized (runs) {
            List<Run> out = new ArrayList<>();
            runs.values().forEach(e -> out.add(e.run()));
            return out;
        }
    }

    @Override
    public int interruptAll() {
        synchronized (runs) {
            runs.values().forEach(e -> e.token().interrupt());
            return runs.size();
        }
    }
}
