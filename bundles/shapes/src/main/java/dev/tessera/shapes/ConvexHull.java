package dev.tessera.shapes;

import java.util.Arrays;
import java.util.Comparator;

/** The area of the convex hull of integer points (Andrew's monotone chain, then the shoelace formula). */
final class ConvexHull {

    private ConvexHull() {}

    static double area(long[] xs, long[] ys, int n) {
        if (n < 3) return 0;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.<Integer>comparingLong(i -> xs[i]).thenComparingLong(i -> ys[i]));
        int[] hull = new int[2 * n];
        int k = 0;
        for (int idx = 0; idx < n; idx++) {
            int p = order[idx];
            while (k >= 2 && cross(xs, ys, hull[k - 2], hull[k - 1], p) <= 0) k--;
            hull[k++] = p;
        }
        for (int idx = n - 2, lower = k + 1; idx >= 0; idx--) {
            int p = order[idx];
            while (k >= lower && cross(xs, ys, hull[k - 2], hull[k - 1], p) <= 0) k--;
            hull[k++] = p;
        }
        long twice = 0;
        for (int i = 0; i < k - 1; i++) {
            twice += xs[hull[i]] * ys[hull[i + 1]] - xs[hull[i + 1]] * ys[hull[i]];
        }
        return Math.abs(twice) / 2.0;
    }

    private static long cross(long[] xs, long[] ys, int o, int a, int b) {
        return (xs[a] - xs[o]) * (ys[b] - ys[o]) - (ys[a] - ys[o]) * (xs[b] - xs[o]);
    }
}
