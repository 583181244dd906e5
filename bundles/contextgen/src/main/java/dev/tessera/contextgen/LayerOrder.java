package dev.tessera.contextgen;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * Instance Layering Prioritization: the order in which placed instances are pasted into the layout image, first
 * (underneath) to last (on top).
 *
 * <ol>
 *   <li>Containment first: when instance i's mask lies wholly inside instance j's, j is pasted before i, so the
 *       contained one stays visible (identical masks: the higher index goes underneath).</li>
 *   <li>Among instances free to go next, the lowest priority goes first. An instance that partially overlaps others
 *       has priority {@code 1 - (s + 0.1 * sum IoU)}, where {@code s} is the IoU-weighted mean over its overlaps of
 *       {@code area_i / (area_i + area_j)}: larger instances tend to go underneath. Training adds a jitter of up to
 *       +-0.2 (scaled down for large shares); inference passes no random source and is deterministic. An instance
 *       without partial overlaps gets the neutral 0.5 (the released code draws a random number there, which only
 *       matters through containment chains); ties go to the lower index.</li>
 *   <li>Empty masks come last, in index order (they paste nothing).</li>
 * </ol>
 */
public final class LayerOrder {

    private LayerOrder() {}

    /** The deterministic inference order of these same-size masks. */
    public static int[] order(List<boolean[]> masks) {
        return order(masks, null);
    }

    /**
     * @param masks one flat mask per instance, all the same length (the canvas)
     * @param jitter the training-time random source, or null for the deterministic order
     */
    public static int[] order(List<boolean[]> masks, RandomGenerator jitter) {
        int n = masks.size();
        long[] area = new long[n];
        for (int i = 0; i < n; i++) {
            if (masks.get(i).length != masks.get(0).length) {
                throw new IllegalArgumentException("mask " + i + " has " + masks.get(i).length + " pixels, mask 0 has "
                        + masks.get(0).length + "; expected one canvas size");
            }
            for (boolean b : masks.get(i)) area[i] += b ? 1 : 0;
        }
        List<List<Integer>> below = new ArrayList<>(); // below.get(j): instances that must come after j
        int[] inDegree = new int[n];
        List<List<double[]>> overlaps = new ArrayList<>(); // {other, iou, otherArea}
        for (int i = 0; i < n; i++) {
            below.add(new ArrayList<>());
            overlaps.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (area[i] == 0 || area[j] == 0) continue;
                long inter = 0;
                boolean[] a = masks.get(i);
                boolean[] b = masks.get(j);
                for (int p = 0; p < a.length; p++) inter += a[p] && b[p] ? 1 : 0;
                long union = area[i] + area[j] - inter;
                double iou = union > 0 ? (double) inter / union : 0;
                if (inter == area[i]) { // i inside j: paste j first
                    below.get(j).add(i);
                    inDegree[i]++;
                } else if (inter == area[j]) {
                    below.get(i).add(j);
                    inDegree[j]++;
                } else if (iou > 0) {
                    overlaps.get(i).add(new double[] {j, iou, area[j]});
                    overlaps.get(j).add(new double[] {i, iou, area[i]});
                }
            }
        }
        PriorityQueue<double[]> ready = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Double.compare(x[0], y[0])
                : Double.compare(x[1], y[1]));
        for (int i = 0; i < n; i++) {
            if (inDegree[i] == 0 && area[i] > 0) ready.add(new double[] {priority(i, area, overlaps, jitter), i});
        }
        boolean[] done = new boolean[n];
        List<Integer> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            int node = (int) ready.poll()[1];
            if (done[node]) continue;
            done[node] = true;
            order.add(node);
            for (int next : below.get(node)) {
                if (--inDegree[next] == 0 && !done[next] && area[next] > 0) {
                    ready.add(new double[] {priority(next, area, overlaps, jitter), next});
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (!done[i]) order.add(i);
        }
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double priority(int i, long[] area, List<List<double[]>> overlaps, RandomGenerator jitter) {
        List<double[]> mine = overlaps.get(i);
        if (mine.isEmpty()) return jitter == null ? 0.5 : jitter.nextDouble();
        double weightedShare = 0;
        double sumIou = 0;
        for (double[] o : mine) {
            weightedShare += area[i] / (area[i] + o[2]) * o[1];
            sumIou += o[1];
        }
        double share = sumIou > 0 ? weightedShare / sumIou : 0.5;
        double p = 1.0 - (share + 0.1 * sumIou);
        if (jitter != null) {
            p += (jitter.nextDouble() * 0.4 - 0.2) * Math.max(0.0, 1.0 - share * 0.8);
        }
        return Math.max(0.0, Math.min(1.0, p));
    }
}
