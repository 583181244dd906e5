package dev.tessera.graph.engine;

import dev.tessera.graph.api.Preview;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a run reports while it goes, in the order ComfyUI's server sends its WebSocket messages:
 * {@code execution_start}, {@code execution_cached}, then per node {@code executing}, {@code progress}...,
 * {@code executed}; finally one of {@code execution_success}, {@code execution_error},
 * {@code execution_interrupted}, followed by {@code executing} with a null node.
 */
public sealed interface ExecutionEvent {

    /** The run's id (ComfyUI's {@code prompt_id}). */
    String promptId();

    /** ComfyUI's message type for this event. */
    String type();

    record ExecutionStart(String promptId) implements ExecutionEvent {
        @Override
        public String type() {
            return "execution_start";
        }
    }

    /** The nodes this run needs whose outputs come from the cache. */
    record ExecutionCached(String promptId, List<String> nodes) implements ExecutionEvent {
        public ExecutionCached {
            nodes = List.copyOf(nodes);
        }

        @Override
        public String type() {
            return "execution_cached";
        }
    }

    /** A node starts executing; {@code node} is null once the run is over. */
    record Executing(String promptId, String node) implements ExecutionEvent {
        @Override
        public String type() {
            return "executing";
        }
    }

    /** Progress of a long node; {@code preview} may be null. */
    record Progress(String promptId, String node, long value, long max, Preview preview) implements ExecutionEvent {
        public Optional<Preview> previewImage() {
            return Optional.ofNullable(preview);
        }

        @Override
        public String type() {
            return "progress";
        }
    }

    /** A node has results for the user (ComfyUI's {@code ui} dict); also sent for cached output nodes. */
    record Executed(String promptId, String node, Map<String, List<?>> output) implements ExecutionEvent {
        public Executed {
            output = Collections.unmodifiableMap(new LinkedHashMap<>(output));
        }

        @Override
        public String type() {
            return "executed";
        }
    }

    record ExecutionSuccess(String promptId) implements ExecutionEvent {
        @Override
        public String type() {
            return "execution_success";
        }
    }

    /**
     * A node failed; the run stops there.
     *
     * @param message       the exception's message, for the user
     * @param exceptionType the exception's class name
     * @param errorType     the {@link dev.tessera.graph.api.NodeException#type()} or {@code execution_error}
     * @param inputName     the input the node named as the cause, or null
     * @param currentInputs a one-line summary of each input value the node got
     * @param executed      the nodes this run executed before the failure
     */
    record ExecutionError(
            String promptId, String nodeId, String classType, String message, String exceptionType, String errorType,
            String inputName, Map<String, String> currentInputs, List<String> executed) implements ExecutionEvent {
        public ExecutionError {
            Objects.requireNonNull(message, "message");
            currentInputs = Collections.unmodifiableMap(new LinkedHashMap<>(currentInputs));
            executed = List.copyOf(executed);
        }

        @Override
        public String type() {
            return "execution_error";
        }
    }

    /** The run stopped because it was interrupted, before or inside {@code nodeId}. */
    record ExecutionInterrupted(String promptId, String nodeId, String classType, List<String> executed)
            implements ExecutionEvent {
        public ExecutionInterrupted {
            executed = List.copyOf(executed);
        }

        @Override
        public String type() {
            return "execution_interrupted";
        }
    }
}
