package dev.tessera.embed;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a run ended.
 *
 * @param promptId the run
 * @param status   how it ended
 * @param problems why it is INVALID (every problem), FAILED (the node's failure) or INTERRUPTED (where); empty on
 *                 success
 * @param warnings what validation or the conversion from UI JSON had to say without stopping the run
 * @param files    the files the output nodes wrote (also those of outputs taken from the cache)
 * @param values   the output nodes' other results (text, numbers), per node id and output key
 */
public record RunOutcome(String promptId, Status status, List<Problem> problems, List<String> warnings,
        List<OutputFile> files, Map<String, Map<String, List<Object>>> values) {

    public enum Status { SUCCEEDED, INVALID, FAILED, INTERRUPTED }

    public RunOutcome {
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
        files = List.copyOf(files);
        Map<String, Map<String, List<Object>>> copy = new LinkedHashMap<>();
        values.forEach((node, map) -> copy.put(node, Collections.unmodifiableMap(new LinkedHashMap<>(map))));
        values = Collections.unmodifiableMap(copy);
    }

    public boolean succeeded() {
        return status == Status.SUCCEEDED;
    }

    /** The problems as the command line prints them, one per line (empty on success). */
    public String report() {
        return problems.stream().map(Problem::message).collect(Collectors.joining("\n"));
    }
}
