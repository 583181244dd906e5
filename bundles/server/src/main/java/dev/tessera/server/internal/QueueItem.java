package dev.tessera.server.internal;

import com.google.gson.JsonObject;
import dev.tessera.graph.engine.InterruptToken;
import dev.tessera.graph.engine.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One accepted prompt, waiting or running.
 *
 * @param number           ComfyUI's queue number: lower runs first (then the earlier submitted)
 * @param sequence         submission order, to break ties
 * @param outputsToExecute the output nodes the run executes
 * @param clientId         where its events go, or null for every client
 */
record QueueItem(long number, long sequence, String promptId, JsonObject prompt, JsonObject extraData,
        List<String> outputsToExecute, String clientId, Workflow workflow, Map<String, String> extraPngInfo,
        InterruptToken interrupt) {

    QueueItem {
        outputsToExecute = List.copyOf(outputsToExecute);
        extraPngInfo = Map.copyOf(extraPngInfo);
    }

    /** ComfyUI's queue and history entry {@code [number, prompt_id, prompt, extra_data, outputs_to_execute]}. */
    List<Object> entry() {
        List<Object> e = new ArrayList<>(5);
        e.add(number);
        e.add(promptId);
        e.add(prompt);
        e.add(extraData);
        e.add(outputsToExecute);
        return e;
    }
}
