package dev.tessera.graph.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a run ended.
 *
 * @param status       how it ended
 * @param validation   the validation report (with the reasons when {@code status} is INVALID)
 * @param outputs      per node, what it produced for the user (ComfyUI's history {@code outputs}), from this run
 *                     or the cache
 * @param executed     the nodes that executed, in order
 * @param cached       the needed nodes whose outputs came from the cache
 * @param error        the failure when {@code status} is FAILED, else null
 * @param interruption where the run stopped when {@code status} is INTERRUPTED, else null
 */
public record RunResult(
        String promptId,
        Status status,
        ValidationReport validation,
        Map<String, Map<String, List<?>>> outputs,
        List<String> executed,
        List<String> cached,
        ExecutionEvent.ExecutionError error,
        ExecutionEvent.ExecutionInterrupted interruption) {

    public enum Status { INVALID, SUCCESS, FAILED, INTERRUPTED }

    public RunResult {
        Map<String, Map<String, List<?>>> copy = new LinkedHashMap<>();
        outputs.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        outputs = Collections.unmodifiableMap(copy);
        executed = List.copyOf(executed);
        cached = List.copyOf(cached);
    }

    public Optional<ExecutionEvent.ExecutionError> failure() {
        return Optional.ofNullable(error);
    }

    public Optional<ExecutionEvent.ExecutionInterrupted> interrupted() {
        return Optional.ofNullable(interruption);
    }
}
