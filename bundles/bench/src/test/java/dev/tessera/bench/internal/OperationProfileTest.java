package dev.tessera.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Counting launches in a libtorch Chrome trace: top-level events per thread, and the allocator's peak. */
class OperationProfileTest {

    @Test
    void nestedOperationsCountOnceAndThreadsSeparately() {
        String trace = """
                {"traceEvents": [
                  {"ph": "X", "name": "aten::matmul", "ts": 0, "dur": 10, "tid": 1},
                  {"ph": "X", "name": "aten::mm", "ts": 0, "dur": 8, "tid": 1},
                  {"ph": "X", "name": "aten::t", "ts": 1, "dur": 2, "tid": 1},
                  {"ph": "X", "name": "aten::add", "ts": 10, "dur": 3, "tid": 1},
                  {"ph": "X", "name": "aten::add", "ts": 2, "dur": 3, "tid": 2},
                  {"ph": "i", "name": "[memory]", "ts": 3, "tid": 1, "args": {"Total Allocated": 4096, "Bytes": 4096}},
                  {"ph": "i", "name": "[memory]", "ts": 4, "tid": 1, "args": {"Total Allocated": 1024, "Bytes": -3072}},
                  {"ph": "f", "name": "flow", "ts": 5, "tid": 1}
                ]}""";
        OperationProfile p = OperationProfile.parse(trace);
        assertEquals(Map.of("aten::matmul", 1, "aten::add", 2), p.counts());
        assertEquals(3, p.total());
        assertEquals(4096, p.peakAllocatedBytes());
        assertEquals("aten::add=2 aten::matmul=1", p.mostFrequent(5));
    }

    @Test
    void aTraceWithoutMemoryEventsHasNoPeak() {
        OperationProfile p = OperationProfile.parse("[{\"ph\": \"X\", \"name\": \"aten::relu\", \"ts\": 0, \"dur\": 1}]");
        assertEquals(1, p.total());
        assertEquals(-1, p.peakAllocatedBytes());
    }
}
