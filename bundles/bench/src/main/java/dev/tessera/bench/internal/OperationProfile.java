package dev.tessera.bench.internal;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One piece of work under libtorch's profiler (DJL exposes it as {@code JniUtils.startProfile/stopProfile}, which
 * writes a Chrome trace): the aten operations it launched, counted at the top level only (the {@code aten::mm}
 * inside an {@code aten::matmul} is one launch of the caller's, not two), and the largest "Total Allocated" the
 * allocator reported while it ran (the trace's {@code [memory]} events), when the trace has them.
 */
record OperationProfile(Map<String, Integer> counts, long peakAllocatedBytes) {

    int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The {@code n} most frequent operations, "name=count" separated by spaces. */
    String mostFrequent(int n) {
        StringBuilder top = new StringBuilder();
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(n)
                .forEach(e -> top.append(top.isEmpty() ? "" : " ").append(e.getKey()).append('=').append(e.getValue()));
        return top.toString();
    }

    /** Runs {@code work} once under the profiler (CPU-side events only: the launches, whatever the device). */
    static OperationProfile of(Runnable work) {
        Path trace;
        try {
            trace = Files.createTempFile("tessera-profile", ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            JniUtils.startProfile(false, false, true);
            try {
                work.run();
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            return parse(Files.readString(trace));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read libtorch's trace " + trace, e);
        } finally {
            try {
                Files.deleteIfExists(trace);
            } catch (IOException ignored) {
                // a temporary file left behind
            }
        }
    }

    /** Complete events ("ph": "X") not contained in another of the same thread, by name; and the memory peak. */
    static OperationProfile parse(String traceJson) {
        JsonElement root = JsonParser.parseString(traceJson);
        JsonArray events = root.isJsonArray() ? root.getAsJsonArray()
                : root.getAsJsonObject().getAsJsonArray("traceEvents");
        Map<String, List<double[]>> byThread = new HashMap<>();
        List<String> names = new ArrayList<>();
        long peak = -1;
        for (JsonElement e : events) {
            JsonObject o = e.getAsJsonObject();
            String ph = o.has("ph") ? o.get("ph").getAsString() : "X";
            String name = o.has("name") ? o.get("name").getAsString() : "";
            if (name.equals("[memory]") && o.has("args")) {
                JsonObject args = o.getAsJsonObject("args");
                if (args.has("Total Allocated")) peak = Math.max(peak, args.get("Total Allocated").getAsLong());
                continue;
            }
            if (!"X".equals(ph) || !o.has("dur") || !o.has("ts")) continue;
            String tid = o.has("tid") ? o.get("tid").getAsString() : "";
            names.add(name);
            byThread.computeIfAbsent(tid, k -> new ArrayList<>()).add(new double[] {o.get("ts").getAsDouble(),
                    o.get("dur").getAsDouble(), names.size() - 1});
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (List<double[]> list : byThread.values()) {
            // Longest first at equal start, so a parent precedes the child that starts with it.
            list.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
            double openUntil = Double.NEGATIVE_INFINITY;
            for (double[] ev : list) {
                if (ev[0] >= openUntil) {
                    counts.merge(names.get((int) ev[2]), 1, Integer::sum);
                    openUntil = ev[0] + ev[1];
                }
            }
        }
        return new OperationProfile(counts, peak);
    }
}
