package dev.tessera.contextgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CLA and ICA on hand-built layouts, checked for every (query, key) pair against {@link Oracle}: a per-pair
 * predicate written from the method notes' sentences, with its own bookkeeping of where each segment starts.
 */
class SequenceMasksTest {

    /** The notes' wording, one pair at a time. Knows nothing of ContextGenSequence's internals. */
    static final class Oracle {
        enum Seg { TEXT, MAIN, LAYOUT, REF }

        final int text;
        final int w;
        final int h;
        final int[][] boxes; // per reference: x1, y1, x2, y2 in tokens
        final boolean[][] fg; // per reference, row-major over its own grid
        final int[] refStart;
        final int length;

        Oracle(int text, int w, int h, int[][] boxes, boolean[][] fg) {
            this.text = text;
            this.w = w;
            this.h = h;
            this.boxes = boxes;
            this.fg = fg;
            refStart = new int[fg.length];
            int at = text + w * h + w * h;
            for (int j = 0; j < fg.length; j++) {
                refStart[j] = at;
                at += fg[j].length;
            }
            length = at;
        }

        Seg seg(int i) {
            if (i < text) return Seg.TEXT;
            if (i < text + w * h) return Seg.MAIN;
            if (i < text + 2 * w * h) return Seg.LAYOUT;
            return Seg.REF;
        }

        int ref(int i) {
            int j = fg.length - 1;
            while (refStart[j] > i) j--;
            return j;
        }

        boolean foreground(int k) {
            int j = ref(k);
            return fg[j][k - refStart[j]];
        }

        boolean inBox(int q, int j) {
            int t = q - text;
            int row = t / w;
            int col = t % w;
            return boxes[j][0] <= col && col < boxes[j][2] && boxes[j][1] <= row && row < boxes[j][3];
        }

        boolean allows(ContextGenMask mode, int q, int k) {
            Seg sq = seg(q);
            Seg sk = seg(k);
            // "Every query may attend to the text keys."
            if (sk == Seg.TEXT) return true;
            // "Reference j sees only its own foreground tokens (and text)."
            if (sq == Seg.REF) return sk == Seg.REF && ref(k) == ref(q) && foreground(k);
            // Text, main and layout queries see main and layout keys.
            if (sk == Seg.MAIN || sk == Seg.LAYOUT) return true;
            // Keys of reference j: text and layout never; CLA main never; ICA main only inside box j, foreground only.
            return mode == ContextGenMask.ICA && sq == Seg.MAIN && inBox(q, ref(k)) && foreground(k);
        }
    }

    private static void checkExhaustively(ContextGenSequence seq, Oracle oracle) {
        assertEquals(oracle.length, seq.length());
        for (ContextGenMask mode : ContextGenMask.values()) {
            boolean[] m = seq.mask(mode);
            int differ = 0;
            String first = null;
            for (int q = 0; q < oracle.length; q++) {
                for (int k = 0; k < oracle.length; k++) {
                    boolean want = oracle.allows(mode, q, k);
                    if (m[q * oracle.length + k] != want) {
                        differ++;
                        if (first == null) first = mode + " q=" + q + " (" + oracle.seg(q) + ") k=" + k + " ("
                                + oracle.seg(k) + "): want " + want;
                    }
                }
            }
            assertEquals(0, differ, first);
        }
    }

    private static boolean[] all(int n, boolean value) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, value);
        return b;
    }

    @Test
    void twoDisjointBoxes() {
        // 96x64 canvas: 6x4 tokens; box A covers cols 0-2 rows 0-2, box B cols 4-5 rows 1-3.
        TokenGrid canvas = TokenGrid.ofPixels("output", 96, 64);
        TokenBox a = TokenBox.fromPixels("instance 0", 0, 0, 40, 40, canvas);
        TokenBox b = TokenBox.fromPixels("instance 1", 64, 20, 96, 64, canvas);
        assertEquals(new TokenBox(0, 0, 3, 3), a);
        assertEquals(new TokenBox(4, 1, 6, 4), b);
        boolean[] fgA = {true, false, true, true}; // 2x2 reference with one background token
        boolean[] fgB = {false, true, true, true, true, false}; // 3x2 reference
        ContextGenSequence seq = ContextGenSequence.of(3, canvas, List.of(
                new ReferenceSlot(a, new TokenGrid(2, 2), fgA), new ReferenceSlot(b, new TokenGrid(3, 2), fgB)));
        checkExhaustively(seq, new Oracle(3, 6, 4, new int[][] {{0, 0, 3, 3}, {4, 1, 6, 4}}, new boolean[][] {fgA, fgB}));
        assertEquals(3 + 24 + 24 + 4 + 6, seq.length());
        assertArrayEquals(new int[] {3, 24, 24, 4, 6}, seq.segmentLengths());
    }

    @Test
    void overlappingBoxesSeeBothReferencesWhereTheyOverlap() {
        TokenGrid canvas = TokenGrid.ofPixels("output", 80, 80); // 5x5
        TokenBox a = TokenBox.fromPixels("instance 0", 0, 0, 48, 48, canvas); // cols/rows 0-2
        TokenBox b = TokenBox.fromPixels("instance 1", 17, 31, 80, 79, canvas); // cols 1-4, rows 1-4 (floor/ceil)
        assertEquals(new TokenBox(1, 1, 5, 5), b);
        TokenBox c = TokenBox.fromPixels("instance 2", 32, 32, 48, 48, canvas); // token (2,2): inside a and b
        boolean[] fgA = all(4, true);
        boolean[] fgB = {true, true, false, true};
        boolean[] fgC = {true};
        ContextGenSequence seq = ContextGenSequence.of(2, canvas, List.of(new ReferenceSlot(a, new TokenGrid(2, 2), fgA),
                new ReferenceSlot(b, new TokenGrid(2, 2), fgB), new ReferenceSlot(c, new TokenGrid(1, 1), fgC)));
        Oracle oracle = new Oracle(2, 5, 5, new int[][] {{0, 0, 3, 3}, {1, 1, 5, 5}, {2, 2, 3, 3}},
                new boolean[][] {fgA, fgB, fgC});
        checkExhaustively(seq, oracle);
        // Spelled out for the token in all three boxes: it sees every foreground token of every reference in ICA.
        int q = 2 + 2 * 5 + 2;
        boolean[] ica = seq.mask(ContextGenMask.ICA);
        int refs = 2 + 50;
        int seen = 0;
        for (int k = refs; k < seq.length(); k++) seen += ica[q * seq.length() + k] ? 1 : 0;
        assertEquals(4 + 3 + 1, seen);
        boolean[] cla = seq.mask(ContextGenMask.CLA);
        for (int k = refs; k < seq.length(); k++) assertFalse(cla[q * seq.length() + k], "CLA main sees no ref");
    }

    @Test
    void referenceWithTransparentCornersKeepsItsCornersOut() {
        // 128x128 reference (8x8 tokens), opaque except 48x48 transparent corners.
        int n = 128;
        int[] alpha = new int[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                boolean corner = (x < 48 || x >= n - 48) && (y < 48 || y >= n - 48);
                alpha[y * n + x] = corner ? 0 : 255;
            }
        }
        TokenGrid grid = TokenGrid.ofPixels("reference 0", n, n);
        boolean[] fg = ReferenceForeground.tokenMask(alpha, n, n, grid);
        // The bicubic window of a token is its centre +- 32 px: a corner token whose window is all transparent stays
        // background; a token whose own cell is all opaque is foreground.
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                boolean windowTransparent = true;
                boolean cellOpaque = true;
                for (int y = Math.max(0, r * 16 + 8 - 32); y < Math.min(n, r * 16 + 8 + 32); y++) {
                    for (int x = Math.max(0, c * 16 + 8 - 32); x < Math.min(n, c * 16 + 8 + 32); x++) {
                        if (alpha[y * n + x] != 0) windowTransparent = false;
                    }
                }
                for (int y = r * 16; y < r * 16 + 16; y++) {
                    for (int x = c * 16; x < c * 16 + 16; x++) {
                        if (alpha[y * n + x] == 0) cellOpaque = false;
                    }
                }
                if (windowTransparent) assertFalse(fg[r * 8 + c], "token " + r + "," + c + " is background");
                if (cellOpaque) assertTrue(fg[r * 8 + c], "token " + r + "," + c + " is foreground");
            }
        }
        assertFalse(fg[0]);
        assertFalse(fg[7]);
        assertFalse(fg[56]);
        assertFalse(fg[63]);
        TokenGrid canvas = TokenGrid.ofPixels("output", 64, 48); // 4x3
        TokenBox box = TokenBox.fromPixels("instance 0", 10, 5, 50, 40, canvas);
        ContextGenSequence seq = ContextGenSequence.of(4, canvas, List.of(new ReferenceSlot(box, grid, fg)));
        checkExhaustively(seq, new Oracle(4, 4, 3, new int[][] {{0, 0, 4, 3}}, new boolean[][] {fg}));
        // A transparent corner token is seen by nobody but... nobody: not even itself.
        boolean[] ica = seq.mask(ContextGenMask.ICA);
        int corner = seq.referenceStart(0);
        for (int q = 0; q < seq.length(); q++) assertFalse(ica[q * seq.length() + corner], "q=" + q);
    }

    @Test
    void claIsContainedInIcaAndTheyDifferOnlyOnMainToReference() {
        TokenGrid canvas = TokenGrid.ofPixels("output", 64, 64);
        ContextGenSequence seq = ContextGenSequence.of(2, canvas, List.of(
                new ReferenceSlot(new TokenBox(1, 1, 3, 4), new TokenGrid(2, 1), new boolean[] {true, true})));
        boolean[] cla = seq.mask(ContextGenMask.CLA);
        boolean[] ica = seq.mask(ContextGenMask.ICA);
        int len = seq.length();
        int diff = 0;
        for (int q = 0; q < len; q++) {
            for (int k = 0; k < len; k++) {
                if (cla[q * len + k]) assertTrue(ica[q * len + k]);
                if (ica[q * len + k] != cla[q * len + k]) {
                    diff++;
                    assertTrue(q >= seq.mainStart() && q < seq.layoutStart() && k >= seq.referenceStart(0));
                }
            }
        }
        assertEquals(2 * 3 * 2, diff); // 6 main tokens in the box x 2 foreground tokens
        for (int q = 0; q < len; q++) {
            for (int k = 0; k < len; k++) assertEquals(ica[q * len + k], seq.allows(ContextGenMask.ICA, q, k));
        }
    }

    @Test
    void everyRowAllowsSomeKeyAndRowsFallIntoFewDistinctPatterns() {
        // Masked attention needs at least one key per query (softmax over none is undefined), and a skipping
        // implementation groups identical rows: text+layout, main outside boxes, main per box combination, refs.
        TokenGrid canvas = TokenGrid.ofPixels("output", 96, 64);
        ContextGenSequence seq = ContextGenSequence.of(3, canvas, List.of(
                new ReferenceSlot(new TokenBox(0, 0, 3, 3), new TokenGrid(2, 2), new boolean[] {true, false, true,
                        true}),
                new ReferenceSlot(new TokenBox(2, 1, 6, 4), new TokenGrid(3, 2), all(6, true))));
        for (ContextGenMask mode : ContextGenMask.values()) {
            boolean[] m = seq.mask(mode);
            int len = seq.length();
            java.util.Set<String> distinct = new java.util.HashSet<>();
            for (int q = 0; q < len; q++) {
                boolean[] row = Arrays.copyOfRange(m, q * len, (q + 1) * len);
                boolean any = false;
                for (boolean b : row) any |= b;
                assertTrue(any, mode + " row " + q + " allows no key");
                distinct.add(Arrays.toString(row));
            }
            // CLA: image rows, ref 0 rows, ref 1 rows. ICA adds main rows in box 0 only, box 1 only, both.
            assertEquals(mode == ContextGenMask.CLA ? 3 : 6, distinct.size(), mode.toString());
        }
    }
}
