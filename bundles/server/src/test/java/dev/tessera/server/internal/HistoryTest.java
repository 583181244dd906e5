package dev.tessera.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryTest {

    private static History withIds(int capacity, String... ids) {
        History h = new History(capacity);
        for (String id : ids) h.put(id, Map.of("id", id));
        return h;
    }

    @Test
    void keepsTheNewestUpToItsCapacity() {
        History h = withIds(3, "a", "b", "c", "d");
        assertEquals(List.of("b", "c", "d"), h.ids());
        assertEquals(Map.of(), h.get("a"));
        assertEquals(Map.of("d", Map.of("id", "d")), h.get("d"));
    }

    @Test
    void listsLikeComfyUi() {
        History h = withIds(10, "a", "b", "c", "d", "e");
        // No parameters: everything, oldest first.
        assertEquals(List.of("a", "b", "c", "d", "e"), List.copyOf(h.list(null, null).keySet()));
        // max_items alone: the newest ones.
        assertEquals(List.of("d", "e"), List.copyOf(h.list(2, null).keySet()));
        // offset counts from the oldest.
        assertEquals(List.of("b", "c"), List.copyOf(h.list(2, 1).keySet()));
        assertEquals(List.of("c", "d", "e"), List.copyOf(h.list(null, 2).keySet()));
        assertEquals(List.of(), List.copyOf(h.list(2, 9).keySet()));
        assertEquals(List.of("a", "b", "c", "d", "e"), List.copyOf(h.list(9, null).keySet()));
    }

    @Test
    void clearsAndDeletes() {
        History h = withIds(10, "a", "b", "c");
        h.delete(List.of("b", "zz"));
        assertEquals(List.of("a", "c"), h.ids());
        h.put("a", Map.of()); // a re-used id moves to the end
        assertEquals(List.of("c", "a"), h.ids());
        h.clear();
        assertEquals(List.of(), h.ids());
    }
}
