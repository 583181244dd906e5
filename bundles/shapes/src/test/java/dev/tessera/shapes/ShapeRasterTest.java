package dev.tessera.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;

class ShapeRasterTest {

    private static String picture(boolean[] m, int w) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < m.length; i++) {
            s.append(m[i] ? '#' : '.');
            if (i % w == w - 1) s.append('\n');
        }
        return s.toString();
    }

    @Test
    void smallShapesByHand() {
        // Triangle 4x4: pixel centres at 0.5..3.5; row v keeps |x - 2| <= 2 * (v + 0.5) / 4, so row 0 keeps none
        // and gets the apex pixel floor(0.5 * 4) = 2; rows 1, 2 keep x = 1.5, 2.5; row 3 all four (1.5 <= 1.75).
        assertEquals("""
                ..#.
                .##.
                .##.
                ####
                """, picture(ShapeRaster.mask(ShapeKind.TRIANGLE, 4, 4), 4));
        // Circle 4x4: a corner centre is (1.5, 1.5) from the centre, (1.5^2 + 1.5^2) / 2^2 > 1; the rest are inside.
        assertEquals("""
                .##.
                ####
                ####
                .##.
                """, picture(ShapeRaster.mask(ShapeKind.CIRCLE, 4, 4), 4));
        boolean[] all = new boolean[15];
        java.util.Arrays.fill(all, true);
        assertArrayEquals(all, ShapeRaster.mask(ShapeKind.SQUARE, 5, 3));
    }

    @Test
    void theStarHasFivePointsAndAHole() {
        boolean[] m = ShapeRaster.mask(ShapeKind.STAR, 21, 20);
        String p = picture(m, 21);
        // Top row: only the tip, centred; bottom row: two tips apart, nothing between them in the middle.
        String[] rows = p.split("\n");
        assertEquals(1, rows[0].chars().filter(c -> c == '#').count(), p);
        assertEquals('#', rows[0].charAt(10), p);
        assertEquals('.', rows[19].charAt(10), p);
        assertTrue(rows[19].indexOf('#') < 6 && rows[19].lastIndexOf('#') > 14, p);
        // The notches between the side points and the top point are empty near the box's top corners.
        assertEquals('.', rows[3].charAt(2), p);
        assertEquals('.', rows[3].charAt(18), p);
    }

    @Test
    void everyShapeFillsItsBoxTightlyInOnePiece() {
        // Every box the generator can make: sides 4 to 48, the height 3/4 to 4/3 of the width.
        for (ShapeKind shape : ShapeKind.values()) {
            for (int w = 4; w <= 48; w++) {
                for (int h = Math.max(4, (3 * w + 3) / 4); h <= 4 * w / 3; h++) {
                    boolean[] m = ShapeRaster.mask(shape, w, h);
                    String where = shape + " " + w + "x" + h + "\n" + picture(m, w);
                    boolean top = false, bottom = false, left = false, right = false;
                    for (int u = 0; u < w; u++) {
                        top |= m[u];
                        bottom |= m[(h - 1) * w + u];
                    }
                    for (int v = 0; v < h; v++) {
                        left |= m[v * w];
                        right |= m[v * w + w - 1];
                    }
                    assertTrue(top && bottom && left && right, where);
                    assertEquals(count(m), component(m, w, h), where);
                }
            }
        }
    }

    private static int count(boolean[] m) {
        int n = 0;
        for (boolean b : m) if (b) n++;
        return n;
    }

    /** The size of the 8-connected component of the first set pixel. */
    private static int component(boolean[] m, int w, int h) {
        int start = 0;
        while (!m[start]) start++;
        boolean[] seen = new boolean[m.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(start);
        seen[start] = true;
        int n = 0;
        while (!queue.isEmpty()) {
            int p = queue.poll();
            n++;
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int x = p % w + dx, y = p / w + dy;
                    if (x < 0 || y < 0 || x >= w || y >= h) continue;
                    int q = y * w + x;
                    if (m[q] && !seen[q]) {
                        seen[q] = true;
                        queue.add(q);
                    }
                }
            }
        }
        return n;
    }
}
