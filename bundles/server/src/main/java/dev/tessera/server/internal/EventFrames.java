package dev.tessera.server.internal;

import dev.tessera.graph.api.Preview;
import dev.tessera.graph.engine.ExecutionEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Engine events as ComfyUI's WebSocket messages {@code {type, data}}. Data fields, as ComfyUI's server sends them:
 * {@code execution_start {prompt_id, timestamp}}, {@code execution_cached {nodes, prompt_id, timestamp}},
 * {@code executing {node, display_node, prompt_id}}, {@code progress {value, max, prompt_id, node}},
 * {@code executed {node, display_node, output, prompt_id}}, {@code execution_success {prompt_id, timestamp}},
 * {@code execution_error {prompt_id, node_id, node_type, executed, exception_message, exception_type, traceback,
 * current_inputs, current_outputs, timestamp}} (plus Tessera's {@code error_type} and {@code input_name}),
 * {@code execution_interrupted {prompt_id, node_id, node_type, executed, timestamp}}. A progress preview follows its
 * progress message as a binary frame.
 */
public final class EventFrames {

    /** ComfyUI's binary event id for a preview image. */
    public static final int PREVIEW_IMAGE = 1;

    private final LongSupplier clock;

    /** @param clock milliseconds since the epoch, for {@code timestamp} */
    public EventFrames(LongSupplier clock) {
        this.clock = clock;
    }

    /** The {@code data} of an event. */
    public Map<String, Object> data(ExecutionEvent event) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (event instanceof ExecutionEvent.ExecutionStart e) {
            d.put("prompt_id", e.promptId());
            d.put("timestamp", clock.getAsLong());
        } else if (event instanceof ExecutionEvent.ExecutionCached e) {
            d.put("nodes", e.nodes());
            d.put("prompt_id", e.promptId());
            d.put("timestamp", clock.getAsLong());
        } else if (event instanceof ExecutionEvent.Executing e) {
            d.put("node", e.node());
            d.put("display_node", e.node());
            d.put("prompt_id", e.promptId());
        } else if (event instanceof ExecutionEvent.Progress e) {
            d.put("value", e.value());
            d.put("max", e.max());
            d.put("prompt_id", e.promptId());
            d.put("node", e.node());
        } else if (event instanceof ExecutionEvent.Executed e) {
            d.put("node", e.node());
            d.put("display_node", e.node());
            d.put("output", UiValues.ui(e.output()));
            d.put("prompt_id", e.promptId());
        } else if (event instanceof ExecutionEvent.ExecutionSuccess e) {
            d.put("prompt_id", e.promptId());
            d.put("timestamp", clock.getAsLong());
        } else if (event instanceof ExecutionEvent.ExecutionError e) {
            d.put("prompt_id", e.promptId());
            d.put("node_id", e.nodeId());
            d.put("node_type", e.classType());
            d.put("executed", e.executed());
            d.put("exception_message", e.message());
            d.put("exception_type", e.exceptionType());
            // Stack traces stay in the server's log (DEBUG), as the engine decides.
            d.put("traceback", List.of());
            d.put("current_inputs", e.currentInputs());
            d.put("current_outputs", List.of());
            d.put("error_type", e.errorType());
            d.put("input_name", e.inputName());
            d.put("timestamp", clock.getAsLong());
        } else if (event instanceof ExecutionEvent.ExecutionInterrupted e) {
            d.put("prompt_id", e.promptId());
            d.put("node_id", e.nodeId());
            d.put("node_type", e.classType());
            d.put("executed", e.executed());
            d.put("timestamp", clock.getAsLong());
        }
        return d;
    }

    /** The frames an event becomes: its JSON message, and for a progress report with a preview, the image. */
    public List<Frame> frames(ExecutionEvent event, Map<String, Object> data) {
        List<Frame> frames = new ArrayList<>(2);
        frames.add(text(event.type(), data));
        if (event instanceof ExecutionEvent.Progress p && p.preview() != null) {
            frames.add(preview(p.preview()));
        }
        return frames;
    }

    public static Frame.Text text(String type, Object data) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", type);
        message.put("data", data);
        return new Frame.Text(Json.write(message));
    }

    /** {@code status}: {@code {status: {exec_info: {queue_remaining}}, sid?}}; the sid only in the welcome. */
    public static Frame.Text status(int queueRemaining, String sid) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", statusBody(queueRemaining));
        if (sid != null) data.put("sid", sid);
        return text("status", data);
    }

    /** ComfyUI's {@code {exec_info: {queue_remaining}}}, also the answer of {@code GET /prompt}. */
    public static Map<String, Object> statusBody(int queueRemaining) {
        return Map.of("exec_info", Map.of("queue_remaining", queueRemaining));
    }

    public static Frame.Binary preview(Preview preview) {
        byte[] image = preview.data();
        ByteBuffer buf = ByteBuffer.allocate(8 + image.length);
        buf.putInt(PREVIEW_IMAGE);
        buf.putInt(preview.format() == Preview.Format.JPEG ? 1 : 2);
        buf.put(image);
        return new Frame.Binary(buf.array());
    }
}
