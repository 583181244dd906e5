package dev.tessera.contextgen.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.contextgen.ContextGenMask;
import dev.tessera.contextgen.ContextGenSequence;
import dev.tessera.contextgen.ReferenceForeground;
import dev.tessera.contextgen.ReferenceSlot;
import dev.tessera.contextgen.TokenBox;
import dev.tessera.contextgen.TokenGrid;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints how long building ContextGen's masks takes at real sizes (not a test): 768 and 1024 px outputs with three
 * references at the released sizes (512 and 768 px), 512 text tokens. Run with
 * {@code java -cp <test classpath> dev.tessera.contextgen.bench.MaskBenchmark}.
 */
public final class MaskBenchmark {

    public static void main(String[] args) {
        for (int[] c : new int[][] {{768, 512}, {1024, 768}}) {
            run(c[0], c[1]);
        }
    }

    private static void run(int out, int ref) {
        TokenGrid canvas = TokenGrid.ofPixels("output", out, out);
        List<ReferenceSlot> slots = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int j = 0; j < 3; j++) {
            int[] alpha = new int[ref * ref];
            for (int y = 0; y < ref; y++) {
                for (int x = 0; x < ref; x++) {
                    double dx = x - ref / 2.0, dy = y - ref / 2.0;
                    alpha[y * ref + x] = dx * dx + dy * dy < ref * ref / 5.0 ? 255 : 0;
                }
            }
            TokenGrid grid = TokenGrid.ofPixels("reference " + j, ref, ref);
            double x1 = out * 0.1 + j * out * 0.25;
            slots.add(new ReferenceSlot(TokenBox.fromPixels("instance " + j, x1, out * 0.2, x1 + out * 0.35, out * 0.8,
                    canvas), grid, ReferenceForeground.tokenMask(alpha, ref, ref, grid)));
        }
        long t1 = System.nanoTime();
        ContextGenSequence seq = ContextGenSequence.of(512, canvas, slots);
        int[] ids = seq.positionIds();
        long t2 = System.nanoTime();
        boolean[] cla = seq.mask(ContextGenMask.CLA);
        long t3 = System.nanoTime();
        boolean[] ica = seq.mask(ContextGenMask.ICA);
        long t4 = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager()) {
            long t5 = System.nanoTime();
            NDArray m = seq.mask(ContextGenMask.ICA, manager);
            long t6 = System.nanoTime();
            System.out.printf("output %dpx, 3 refs %dpx: L=%d (%s)%n  foregrounds %.1f ms, ids %.1f ms (%d values),"
                    + " CLA %.1f ms, ICA %.1f ms (heap, %d MB each), ICA as tensor %.1f ms %s%n", out, ref,
                    seq.length(), seq, (t1 - t0) / 1e6, (t2 - t1) / 1e6, ids.length, (t3 - t2) / 1e6,
                    (t4 - t3) / 1e6, cla.length / (1 << 20), (t6 - t5) / 1e6, m.getShape());
            if (ica.length != cla.length) throw new AssertionError();
        }
    }
}
