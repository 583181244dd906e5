package dev.tessera.graph.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * How to run a workflow.
 *
 * @param promptId     the run's id, reported in every event
 * @param interrupt    the token that stops this run
 * @param extraPngInfo extra PNG text chunks (key to JSON text), ComfyUI's {@code extra_pnginfo}
 * @param outputs      the output nodes to execute (ComfyUI's {@code outputs_to_execute}); empty means all of them
 */
public record RunOptions(String promptId, InterruptToken interrupt, Map<String, String> extraPngInfo, Set<String> outputs) {

    public RunOptions {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(interrupt, "interrupt");
        extraPngInfo = Collections.unmodifiableMap(new LinkedHashMap<>(extraPngInfo));
        outputs = Set.copyOf(outputs);
    }

    /** A fresh random prompt id, a fresh token, no extra PNG info, all outputs. */
    public static RunOptions defaults() {
        return new RunOptions(UUID.randomUUID().toString(), new InterruptToken(), Map.of(), Set.of());
    }

    public RunOptions withPromptId(String id) {
        return new RunOptions(id, interrupt, extraPngInfo, outputs);
    }

    public RunOptions withInterrupt(InterruptToken token) {
        return new RunOptions(promptId, token, extraPngInfo, outputs);
    }

    public RunOptions withExtraPngInfo(Map<String, String> info) {
        return new RunOptions(promptId, interrupt, info, outputs);
    }

    public RunOptions withOutputs(Set<String> nodeIds) {
        return new RunOptions(promptId, interrupt, extraPngInfo, nodeIds);
    }
}
