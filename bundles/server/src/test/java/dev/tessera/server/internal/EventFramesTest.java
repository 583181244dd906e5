package dev.tessera.server.internal;

import static dev.tessera.server.internal.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.api.Preview;
import dev.tessera.graph.engine.ExecutionEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventFramesTest {

    private final EventFrames frames = new EventFrames(() -> 1234L);

    private String json(ExecutionEvent e) {
        List<Frame> f = frames.frames(e, frames.data(e));
        return ((Frame.Text) f.get(0)).json();
    }

    @Test
    void eventsHaveComfyUiTypesAndData() {
        assertJson("{'type': 'execution_start', 'data': {'prompt_id': 'p', 'timestamp': 1234}}",
                json(new ExecutionEvent.ExecutionStart("p")));
        assertJson("{'type': 'execution_cached', 'data': {'nodes': ['1', '2'], 'prompt_id': 'p', 'timestamp': 1234}}",
                json(new ExecutionEvent.ExecutionCached("p", List.of("1", "2"))));
        assertJson("{'type': 'executing', 'data': {'node': '3', 'display_node': '3', 'prompt_id': 'p'}}",
                json(new ExecutionEvent.Executing("p", "3")));
        assertJson("{'type': 'executing', 'data': {'node': null, 'display_node': null, 'prompt_id': 'p'}}",
                json(new ExecutionEvent.Executing("p", null)));
        assertJson("{'type': 'progress', 'data': {'value': 2, 'max': 20, 'prompt_id': 'p', 'node': '4'}}",
                json(new ExecutionEvent.Progress("p", "4", 2, 20, null)));
        assertJson("{'type': 'executed', 'data': {'node': '9', 'display_node': '9', 'prompt_id': 'p', 'output':"
                        + " {'images': [{'filename': 'a.png', 'subfolder': 's', 'type': 'output'}], 'text': ['x', 3]}}}",
                json(new ExecutionEvent.Executed("p", "9", Map.of("images", List.of(new ImageRef("a.png", "s", "output")),
                        "text", List.of("x", 3)))));
        assertJson("{'type': 'execution_success', 'data': {'prompt_id': 'p', 'timestamp': 1234}}",
                json(new ExecutionEvent.ExecutionSuccess("p")));
        assertJson("""
                {'type': 'execution_error', 'data': {'prompt_id': 'p', 'node_id': '5', 'node_type': 'Fail',
                 'executed': ['1'], 'exception_message': 'no', 'exception_type': 'dev.x.E', 'traceback': [],
                 'current_inputs': {'value': '3'}, 'current_outputs': [], 'error_type': 'bad_value',
                 'input_name': 'value', 'timestamp': 1234}}
                """, json(new ExecutionEvent.ExecutionError("p", "5", "Fail", "no", "dev.x.E", "bad_value", "value",
                Map.of("value", "3"), List.of("1"))));
        assertJson("{'type': 'execution_interrupted', 'data': {'prompt_id': 'p', 'node_id': '5', 'node_type': 'Steps',"
                        + " 'executed': ['1'], 'timestamp': 1234}}",
                json(new ExecutionEvent.ExecutionInterrupted("p", "5", "Steps", List.of("1"))));
        assertJson("{'type': 'status', 'data': {'status': {'exec_info': {'queue_remaining': 2}}, 'sid': 'abc'}}",
                EventFrames.status(2, "abc").json());
        assertJson("{'type': 'status', 'data': {'status': {'exec_info': {'queue_remaining': 0}}}}",
                EventFrames.status(0, null).json());
    }

    @Test
    void aPreviewFollowsItsProgressAsABinaryFrame() {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 7};
        ExecutionEvent e = new ExecutionEvent.Progress("p", "4", 1, 2, new Preview(Preview.Format.JPEG, jpeg));
        List<Frame> f = frames.frames(e, frames.data(e));
        assertEquals(2, f.size());
        // event 1 (preview image), image type 1 (JPEG), then the bytes.
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 0, 0, 1, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 7}, ((Frame.Binary) f.get(1)).bytes());
        byte[] png = {1, 2};
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 0, 0, 2, 1, 2},
                EventFrames.preview(new Preview(Preview.Format.PNG, png)).bytes());
    }
}
