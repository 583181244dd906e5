package dev.tessera.models.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.tessera.models.core.layers.ChunkedAttention;
import dev.tessera.tensor.TensorScope;
import java.util.List;

/**
 * Scaled dot-product attention over heads-first tensors {@code q, k, v} [B, H, L, D], unmasked, with a dense
 * additive mask, or skipping what a mask forbids. DJL has no fused attention, so these are explicit launches:
 *
 * <ul>
 *   <li>{@link #dense}: scale q, q.k^T (plus the copy of the transposed k), optional bias add, softmax, .v:
 *       5 launches, 6 with a mask; memory B x H x L x L scores.
 *   <li>{@link #skipping}: per group of query rows with the same mask row, gather its queries and (unless it sees
 *       every key) its keys and values, then the dense steps over only those: at most 3 gathers + 4 per group,
 *       then one concat and one gather restoring the row order (none when the groups are already in order).
 *       Work and score memory shrink to the plan's {@link AttentionMask.Plan#density()}.
 * </ul>
 *
 * Masked keys contribute exactly 0 to a dense softmax (exp(-inf)), so both paths compute the same values; only the
 * order of the floating-point sums differs. Both compute scores in chunks of query rows so that one chunk's scores
 * stay within a byte budget (by default a quarter of the device's free memory, at least
 * {@link #DEFAULT_SCORE_BUDGET}: {@link ChunkedAttention#scoreBudget}); rows are independent, so chunking changes
 * nothing.
 */
public final class MaskedAttention {

    /**
     * {@link AttentionMode#AUTO} skips only when groups average at least this many query rows: each group costs
     * up to 7 launches, which only pay off when the matrices they work on are not tiny.
     */
    public static final int MIN_AUTO_ROWS_PER_GROUP = 64;
    /** ... and when the skipping path computes at most this fraction of the dense score matrix. */
    public static final double MAX_AUTO_DENSITY = 0.75;

    /**
     * Score memory per chunk of queries at least (256 MiB), and where the device's free memory is unknown: dense
     * attention over L = 11776 tokens with 24 heads would otherwise hold 13 GB of float32 scores at once.
     */
    public static final long DEFAULT_SCORE_BUDGET = ChunkedAttention.DEFAULT_SCORE_BUDGET;

    private MaskedAttention() {
    }

    /** Whether {@code mode} computes {@code mask} by skipping. */
    public static boolean skips(AttentionMask mask, AttentionMode mode) {
        if (mask == null) {
            return false;
        }
        AttentionMask.Plan plan = mask.plan();
        return switch (mode) {
            case DENSE -> false;
            case SKIP -> true;
            case AUTO -> !plan.unmasked() && (long) plan.groups().size() * MIN_AUTO_ROWS_PER_GROUP <= plan.length()
                    && plan.density() <= MAX_AUTO_DENSITY;
        };
    }

    /**
     * Dense attention; {@code bias} [L, L] (from {@link AttentionMask#bias}) or null. Result [B, H, L, D] belongs to
     * q's manager. Scores are computed in query chunks sized from the free memory of q's device
     * ({@link ChunkedAttention#scoreBudget}, at least {@link #DEFAULT_SCORE_BUDGET} bytes): in one pass, without a
     * chunk's slices, launches and concat, whenever they fit (FLUX.1-dev at 1024 px: 2 GiB of scores per batch row).
     */
    public static NDArray dense(NDArray q, NDArray k, NDArray v, NDArray bias) {
        return dense(q, k, v, bias, ChunkedAttention.scoreBudget(q.getDevice()));
    }

    /** {@link #dense} with the score tensor of one chunk of queries limited to {@code scoreBudget} bytes. */
    public static NDArray dense(NDArray q, NDArray k, NDArray v, NDArray bias, long scoreBudget) {
        return TensorScope.keep(() -> chunked(scaled(q), k, v, bias, scoreBudget));
    }

    /**
     * softmax(qs.k^T + bias).v for already scaled queries, query rows in chunks whose scores fit {@code budget}
     * bytes ({@link ChunkedAttention}): rows are independent, so the chunks compute exactly the rows of the whole.
     */
    private static NDArray chunked(NDArray qs, NDArray k, NDArray v, NDArray bias, long budget) {
        return ChunkedAttention.attend(qs, k.transpose(0, 1, 3, 2), v, bias, budget);
    }

    /** Attention over only the keys each query row may see, group by group of {@code mask}'s plan. */
    public static NDArray skipping(NDArray q, NDArray k, NDArray v, AttentionMask mask) {
        return skipping(q, k, v, mask, ChunkedAttention.scoreBudget(q.getDevice()));
    }

    /** {@link #skipping} with each group's scores computed in query chunks of at most {@code scoreBudget} bytes. */
    public static NDArray skipping(NDArray q, NDArray k, NDArray v, AttentionMask mask, long scoreBudget) {
        AttentionMask.Plan plan = mask.plan();
        long length = q.getShape().get(2);
        if (length != plan.length() || k.getShape().get(2) != plan.length()) {
            throw new IllegalArgumentException("attention mask is " + plan.length() + " x " + plan.length()
                    + " but the sequence has " + length + " queries and " + k.getShape().get(2) + " keys");
        }
        return TensorScope.keep(() -> {
            NDArray qs = scaled(q);
            List<AttentionMask.Group> groups = plan.groups();
            NDList parts = new NDList(groups.size());
            int[] order = new int[plan.length()];
            int filled = 0;
            for (AttentionMask.Group group : groups) {
                NDArray qg = rows(qs, group.queries(), group.contiguousQueries());
                NDArray kg = k;
                NDArray vg = v;
                if (group.keys().length != plan.length()) {
                    kg = rows(k, group.keys(), group.contiguousKeys());
                    vg = rows(v, group.keys(), group.contiguousKeys());
                }
                parts.add(chunked(qg, kg, vg, null, scoreBudget));
                System.arraycopy(group.queries(), 0, order, filled, group.queries().length);
                filled += group.queries().length;
            }
            NDArray joined = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 2);
            if (isIdentity(order)) {
                return joined;
            }
            int[] inverse = new int[order.length];
            for (int i = 0; i < order.length; i++) {
                inverse[order[i]] = i;
            }
            return rows(joined, inverse, false);
        });
    }

    /** Dense or skipping by {@code mode}; {@code bias} is used by the dense path and made if null there. */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, AttentionMask mask, NDArray bias,
            AttentionMode mode) {
        if (mask == null) {
            return dense(q, k, v, null);
        }
        if (mask.length() != q.getShape().get(2)) {
            throw new IllegalArgumentException("attention mask is " + mask.length() + " x " + mask.length()
                    + " but the attention sequence (text + image tokens) has " + q.getShape().get(2) + " tokens");
        }
        if (skips(mask, mode)) {
            return skipping(q, k, v, mask);
        }
        if (mask.plan().unmasked()) {
            return dense(q, k, v, null);
        }
        if (bias != null) {
            return dense(q, k, v, bias);
        }
        return TensorScope.keep(() -> dense(q, k, v, mask.bias(q.getManager(), q.getDataType())));
    }

    private static NDArray scaled(NDArray q) {
        return q.mul((float) (1.0 / Math.sqrt(q.getShape().get(3))));
    }

    /** Rows {@code indices} of axis 2: a slice when contiguous, else one gather. */
    private static NDArray rows(NDArray x, int[] indices, boolean contiguous) {
        if (contiguous) {
            return x.get(new NDIndex(":, :, " + indices[0] + ":" + (indices[indices.length - 1] + 1)));
        }
        NDManager manager = x.getManager();
        long[] longs = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            longs[i] = indices[i];
        }
        NDArray index = manager.create(longs);
        return x.get(new NDIndex(":, :, {}", index));
    }

    private static boolean isIdentity(int[] order) {
        for (int i = 0; i < order.length; i++) {
            if (order[i] != i) {
                return false;
            }
        }
        return true;
    }
}
