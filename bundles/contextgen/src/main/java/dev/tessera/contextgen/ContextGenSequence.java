package dev.tessera.contextgen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * ContextGen's token sequence {@code [text | main image | layout image | ref 0 .. ref N-1]} and what it implies,
 * exactly as the method notes state it:
 *
 * <ul>
 *   <li>every query sees the text keys; text, main and layout queries see all main and layout keys, never a
 *       reference;</li>
 *   <li>reference j's queries see only reference j's foreground keys (and text);</li>
 *   <li>ICA adds: a main-image query inside box j sees reference j's foreground keys.</li>
 * </ul>
 *
 * Position ids are (index, row, col): text (0,0,0), main (0,i,j), layout (1,i,j), reference k (1, H + i, W + j)
 * where H and W are the summed token heights and widths of the layout image and the references before k.
 * Immutable; masks and ids are computed on request (a mask is {@code length()^2} booleans).
 */
public final class ContextGenSequence {

    private final int textTokens;
    private final TokenGrid main;
    private final List<ReferenceSlot> references;
    private final int[] referenceStart;
    private final int length;

    private ContextGenSequence(int textTokens, TokenGrid main, List<ReferenceSlot> references) {
        this.textTokens = textTokens;
        this.main = main;
        this.references = List.copyOf(references);
        this.referenceStart = new int[references.size() + 1];
        int at = textTokens + 2 * main.tokens();
        for (int j = 0; j < references.size(); j++) {
            referenceStart[j] = at;
            at += references.get(j).grid().tokens();
        }
        referenceStart[references.size()] = at;
        this.length = at;
    }

    /**
     * The sequence for {@code textTokens} text tokens (512 for FLUX's T5), a main image (and layout image) of
     * {@code main} tokens, and the references in order.
     *
     * @throws InvalidContextGenInputException naming the reference whose box does not fit the main grid
     */
    public static ContextGenSequence of(int textTokens, TokenGrid main, List<ReferenceSlot> references) {
        if (textTokens < 0) throw new IllegalArgumentException("textTokens is " + textTokens + "; expected >= 0");
        for (int j = 0; j < references.size(); j++) {
            TokenBox b = references.get(j).box();
            if (b.x2() > main.width() || b.y2() > main.height()) {
                throw new InvalidContextGenInputException("reference " + j, "box " + b + " reaches outside the "
                        + main.width() + "x" + main.height() + " token grid of the image");
            }
        }
        return new ContextGenSequence(textTokens, main, references);
    }

    public int length() {
        return length;
    }

    public int textTokens() {
        return textTokens;
    }

    public TokenGrid mainGrid() {
        return main;
    }

    public List<ReferenceSlot> references() {
        return references;
    }

    public int mainStart() {
        return textTokens;
    }

    public int layoutStart() {
        return textTokens + main.tokens();
    }

    /** Where reference {@code j}'s tokens start; {@code j == references().size()} gives {@link #length()}. */
    public int referenceStart(int j) {
        return referenceStart[j];
    }

    /** Token counts per segment: {@code [text, main, layout, ref 0, ..., ref N-1]}. */
    public int[] segmentLengths() {
        int[] s = new int[3 + references.size()];
        s[0] = textTokens;
        s[1] = main.tokens();
        s[2] = main.tokens();
        for (int j = 0; j < references.size(); j++) s[3 + j] = references.get(j).grid().tokens();
        return s;
    }

    /** Every reference's foreground, concatenated in sequence order (the pack's {@code ref_token_masks}). */
    public boolean[] referenceTokenMasks() {
        boolean[] out = new boolean[length - referenceStart[0]];
        int at = 0;
        for (ReferenceSlot r : references) {
            boolean[] fg = r.foreground();
            System.arraycopy(fg, 0, out, at, fg.length);
            at += fg.length;
        }
        return out;
    }

    /** Position ids, row-major {@code [length, 3]} as (index, row, col). */
    public int[] positionIds() {
        int[] ids = new int[length * 3];
        int w = main.width();
        for (int t = 0; t < main.tokens(); t++) {
            int m = 3 * (mainStart() + t);
            ids[m + 1] = t / w;
            ids[m + 2] = t % w;
            int l = 3 * (layoutStart() + t);
            ids[l] = 1;
            ids[l + 1] = t / w;
            ids[l + 2] = t % w;
        }
        // Offsets accumulate over the layout image and earlier references, so no two conditioning images share ids.
        int rowOffset = main.height();
        int colOffset = main.width();
        for (int j = 0; j < references.size(); j++) {
            TokenGrid g = references.get(j).grid();
            for (int t = 0; t < g.tokens(); t++) {
                int r = 3 * (referenceStart[j] + t);
                ids[r] = 1;
                ids[r + 1] = rowOffset + t / g.width();
                ids[r + 2] = colOffset + t % g.width();
            }
            rowOffset += g.height();
            colOffset += g.width();
        }
        return ids;
    }

    /** {@link #positionIds()} as a {@code [length, 3]} tensor of {@code dtype} on {@code manager}'s device. */
    public NDArray positionIds(NDManager manager, DataType dtype) {
        int[] ids = positionIds();
        float[] f = new float[ids.length];
        for (int i = 0; i < ids.length; i++) f[i] = ids[i];
        NDArray created = manager.create(FloatBuffer.wrap(f), new Shape(length, 3));
        if (dtype == DataType.FLOAT32) return created;
        NDArray cast = created.toType(dtype, false);
        created.close();
        return cast;
    }

    /** Whether query {@code q} may attend to key {@code k} under {@code mode}; the rows of {@link #mask}. */
    public boolean allows(ContextGenMask mode, int q, int k) {
        checkIndex(q);
        checkIndex(k);
        boolean[] row = new boolean[length];
        fillRow(mode, q, row);
        return row[k];
    }

    /** The mask {@code [length, length]} row-major, true = may attend. */
    public boolean[] mask(ContextGenMask mode) {
        long size = (long) length * length;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a " + length + "-token mask has " + size + " entries, more than a Java"
                    + " array holds");
        }
        boolean[] m = new boolean[(int) size];
        boolean[] row = new boolean[length];
        for (int q = 0; q < length; q++) {
            java.util.Arrays.fill(row, false);
            fillRow(mode, q, row);
            System.arraycopy(row, 0, m, q * length, length);
        }
        return m;
    }

    /** {@link #mask(ContextGenMask)} as a BOOLEAN {@code [length, length]} tensor on {@code manager}'s device. */
    public NDArray mask(ContextGenMask mode, NDManager manager) {
        // Rows go straight into one direct buffer (one byte per flag): going through boolean[] and DJL's boolean
        // conversion costs several times more at ContextGen sizes (L ~ 16k at 1024 px).
        long size = (long) length * length;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalStateException("a " + length + "-token mask has " + size + " entries, more than one"
                    + " buffer holds");
        }
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect((int) size);
        boolean[] row = new boolean[length];
        byte[] bytes = new byte[length];
        for (int q = 0; q < length; q++) {
            java.util.Arrays.fill(row, false);
            fillRow(mode, q, row);
            for (int k = 0; k < length; k++) bytes[k] = row[k] ? (byte) 1 : 0;
            buffer.put(bytes);
        }
        buffer.rewind();
        return manager.create(buffer, new Shape(length, length), DataType.BOOLEAN);
    }

    private void fillRow(ContextGenMask mode, int q, boolean[] row) {
        int imageEnd = textTokens + 2 * main.tokens();
        java.util.Arrays.fill(row, 0, textTokens, true);
        if (q < imageEnd) {
            java.util.Arrays.fill(row, textTokens, imageEnd, true);
            if (mode == ContextGenMask.ICA && q >= textTokens && q < layoutStart()) {
                int t = q - textTokens;
                int r = t / main.width();
                int c = t % main.width();
                for (int j = 0; j < references.size(); j++) {
                    if (references.get(j).box().contains(r, c)) markForeground(j, row);
                }
            }
            return;
        }
        markForeground(referenceOf(q), row);
    }

    private void markForeground(int j, boolean[] row) {
        ReferenceSlot ref = references.get(j);
        int start = referenceStart[j];
        for (int t = 0; t < ref.grid().tokens(); t++) {
            if (ref.isForeground(t)) row[start + t] = true;
        }
    }

    private int referenceOf(int q) {
        for (int j = 0; j < references.size(); j++) {
            if (q < referenceStart[j + 1]) return j;
        }
        throw new IndexOutOfBoundsException("token " + q + " of a " + length + "-token sequence");
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= length) throw new IndexOutOfBoundsException("token " + i + " of a " + length + "-token sequence");
    }

    /** Human-readable segment summary: {@code text 512 | main 48x48 | layout 48x48 | ref0 32x32 ...}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add("text " + textTokens);
        parts.add("main " + main.width() + "x" + main.height());
        parts.add("layout " + main.width() + "x" + main.height());
        for (int j = 0; j < references.size(); j++) {
            TokenGrid g = references.get(j).grid();
            parts.add("ref" + j + " " + g.width() + "x" + g.height());
        }
        return "ContextGenSequence[" + String.join(" | ", parts) + ", length " + length + "]";
    }
}
