package dev.tessera.models.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Dense, dense-with-mask and skipping attention at ContextGen's token counts (1024 px output: 4096 image tokens, a
 * 4096-token layout image, 3 references at 512 px: 3 x 1024, 512 text tokens; L = 11776), with one head of 128
 * channels (FLUX has 24: multiply), float32, this machine's CPU. Not a test: run it by hand (docs/models-dit.md)
 * and copy the figures into docs/benchmarks.md.
 *
 * <p>Masks: ICA (main-image tokens inside box j also see reference j's foreground) and CLA (they do not), with
 * three overlapping boxes and references whose foreground is a disc. The dense-with-mask bias is made once
 * outside the timing, as the model does once per forward.
 */
public final class MaskedAttentionBenchmark {

    private static final int TEXT = 512;
    private static final int SIDE = 64;
    private static final int REF_SIDE = 32;

    private MaskedAttentionBenchmark() {
    }

    public static void main(String[] args) {
        int heads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int[][] boxes = {{0, 0, 32, 32}, {16, 24, 48, 60}, {36, 4, 64, 30}};
        Layout layout = new Layout(boxes);
        System.out.printf(Locale.ROOT, "L = %d tokens (text %d, image %d, layout %d, refs 3 x %d), %d head(s) of %d,"
                + " float32, CPU, %d processors, load average %.1f%n", layout.length, TEXT, SIDE * SIDE, SIDE * SIDE,
                REF_SIDE * REF_SIDE, heads, dim, Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(1, heads, layout.length, dim);
            NDArray q = manager.randomNormal(shape);
            NDArray k = manager.randomNormal(shape);
            NDArray v = manager.randomNormal(shape);
            time("dense, no mask", runs, manager, () -> MaskedAttention.dense(q, k, v, null));
            for (boolean ica : new boolean[] {true, false}) {
                long t0 = System.nanoTime();
                AttentionMask mask = AttentionMask.of(layout.length, (a, b) -> layout.allowed(a, b, ica));
                double planMs = (System.nanoTime() - t0) / 1e6;
                AttentionMask.Plan plan = mask.plan();
                String name = ica ? "ICA" : "CLA";
                System.out.printf(Locale.ROOT, "%s mask: %d groups, skipping computes %.1f%% of the scores"
                        + " (mask analysed in %.0f ms, once per mask)%n", name, plan.groups().size(),
                        100 * plan.density(), planMs);
                t0 = System.nanoTime();
                NDArray bias = mask.bias(manager, DataType.FLOAT32);
                System.out.printf(Locale.ROOT, "%s dense bias made in %.0f ms (once per forward)%n", name,
                        (System.nanoTime() - t0) / 1e6);
                time(name + " dense with mask", runs, manager, () -> MaskedAttention.dense(q, k, v, bias));
                bias.close();
                time(name + " skipping", runs, manager, () -> MaskedAttention.skipping(q, k, v, mask));
            }
        }
    }

    private static void time(String what, int runs, NDManager manager, Supplier<NDArray> call) {
        double[] ms = new double[runs];
        for (int i = -1; i < runs; i++) {
            try (NDManager scope = manager.newSubManager()) {
                long t0 = System.nanoTime();
                NDArray out = call.get();
                out.toFloatArray(); // wait for the result
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
                out.close();
            }
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "%-26s median %8.1f ms per attention call (min %.1f, %d runs)%n", what,
                ms[runs / 2], ms[0], runs);
    }

    /** [text | 64x64 main | 64x64 layout | 3 x 32x32 refs], boxes in main-grid cells, refs with a disc alpha. */
    private static final class Layout {
        final int[][] boxes;
        final int length = TEXT + 2 * SIDE * SIDE + 3 * REF_SIDE * REF_SIDE;
        final int layoutStart = TEXT + SIDE * SIDE;
        final int refStart = TEXT + 2 * SIDE * SIDE;

        Layout(int[][] boxes) {
            this.boxes = boxes;
        }

        boolean foreground(int token) {
            int cell = (token - refStart) % (REF_SIDE * REF_SIDE);
            double r = cell / REF_SIDE - (REF_SIDE - 1) / 2.0;
            double c = cell % REF_SIDE - (REF_SIDE - 1) / 2.0;
            return r * r + c * c <= (REF_SIDE / 2.0) * (REF_SIDE / 2.0);
        }

        int ref(int token) {
            return (token - refStart) / (REF_SIDE * REF_SIDE);
        }

        boolean inBox(int token, int j) {
            int cell = token - TEXT;
            int r = cell / SIDE;
            int c = cell % SIDE;
            return r >= boxes[j][0] && r < boxes[j][2] && c >= boxes[j][1] && c < boxes[j][3];
        }

        boolean allowed(int q, int k, boolean ica) {
            if (k < TEXT) {
                return true;
            }
            boolean kRef = k >= refStart;
            if (q < TEXT) {
                return !kRef;
            }
            if (q < refStart) {
                if (!kRef) {
                    return true;
                }
                return ica && q < layoutStart && inBox(q, ref(k)) && foreground(k);
            }
            return kRef && ref(k) == ref(q) && foreground(k);
        }
    }
}
