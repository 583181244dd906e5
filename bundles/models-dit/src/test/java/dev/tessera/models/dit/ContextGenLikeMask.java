package dev.tessera.models.dit;

/**
 * A ContextGen-style ICA mask built from its definition (method notes), for tests and the benchmark: sequence
 * [text | main image grid | layout grid (same size) | ref 1 .. ref n]; every query sees the text; text sees text,
 * main and layout; main and layout see main and layout; a main token inside box j also sees reference j's
 * foreground; reference j sees text and its own foreground. Boxes are in token cells; a reference's foreground is
 * its cells minus a one-cell transparent border at the corners' rows (so its key set is not one range).
 */
final class ContextGenLikeMask {

    final int text;
    final int rows;
    final int cols;
    final int refSide;
    final int[][] boxes;
    final int length;

    ContextGenLikeMask(int text, int rows, int cols, int refSide, int[][] boxes) {
        this.text = text;
        this.rows = rows;
        this.cols = cols;
        this.refSide = refSide;
        this.boxes = boxes;
        this.length = text + 2 * rows * cols + boxes.length * refSide * refSide;
    }

    int mainStart() {
        return text;
    }

    int layoutStart() {
        return text + rows * cols;
    }

    int refStart(int j) {
        return text + 2 * rows * cols + j * refSide * refSide;
    }

    /** Whether cell (r, c) of a reference is foreground: all but the four corner cells. */
    boolean foreground(int r, int c) {
        boolean cornerRow = r == 0 || r == refSide - 1;
        boolean cornerCol = c == 0 || c == refSide - 1;
        return !(cornerRow && cornerCol);
    }

    /** Which reference token index (or -1) {@code token} is, and its cell. */
    int refOf(int token) {
        int start = refStart(0);
        return token < start ? -1 : (token - start) / (refSide * refSide);
    }

    boolean refForeground(int token) {
        int j = refOf(token);
        int cell = token - refStart(j);
        return foreground(cell / refSide, cell % refSide);
    }

    boolean inBox(int mainToken, int j) {
        int cell = mainToken - mainStart();
        int r = cell / cols;
        int c = cell % cols;
        int[] b = boxes[j];
        return r >= b[0] && r < b[2] && c >= b[1] && c < b[3];
    }

    boolean allowed(int q, int k) {
        if (k < text) {
            return true;
        }
        boolean kRef = k >= refStart(0);
        if (q < text) {
            return !kRef;
        }
        if (q < refStart(0)) {
            if (!kRef) {
                return true;
            }
            boolean main = q < layoutStart();
            return main && inBox(q, refOf(k)) && refForeground(k);
        }
        return kRef && refOf(k) == refOf(q) && refForeground(k);
    }

    AttentionMask mask() {
        return AttentionMask.of(length, this::allowed);
    }
}
