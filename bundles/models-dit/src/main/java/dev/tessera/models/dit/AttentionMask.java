package dev.tessera.models.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A boolean attention mask [L, L] over one attention sequence (True = the query row may attend to the key column),
 * shared by every sample and head, kept on the host as bits. On construction it is analysed once into a
 * {@link Plan}: query rows with identical mask rows form a group, and each group lists the keys it may see, so
 * that {@link MaskedAttention} can attend over exactly those keys instead of masking a full score matrix.
 *
 * <p>Every row must allow at least one key (a row that allows none would make softmax undefined; PyTorch's SDPA
 * returns NaN there).
 */
public final class AttentionMask {

    private final int length;
    private final int words;
    private final long[] bits;
    private final Plan plan;

    private AttentionMask(int length, long[] bits, String source) {
        this.length = length;
        this.words = (length + 63) / 64;
        this.bits = bits;
        this.plan = analyse(source);
    }

    /** A mask from a boolean tensor [L, L] (any device; read to the host once). */
    public static AttentionMask of(NDArray mask) {
        Shape shape = mask.getShape();
        if (shape.dimension() != 2 || shape.get(0) != shape.get(1)) {
            throw new IllegalArgumentException("attention mask: expected a square [L, L] tensor, got shape " + shape);
        }
        if (mask.getDataType() != DataType.BOOLEAN) {
            throw new IllegalArgumentException("attention mask: expected a boolean tensor, got " + mask.getDataType());
        }
        return of(mask.toBooleanArray(), (int) shape.get(0));
    }

    /** A mask from row-major booleans of a [length, length] matrix. */
    public static AttentionMask of(boolean[] rowMajor, int length) {
        if ((long) length * length != rowMajor.length) {
            throw new IllegalArgumentException("attention mask: " + rowMajor.length + " values do not make a "
                    + length + " x " + length + " matrix");
        }
        int words = (length + 63) / 64;
        long[] bits = new long[length * words];
        for (int q = 0; q < length; q++) {
            int base = q * length;
            for (int k = 0; k < length; k++) {
                if (rowMajor[base + k]) {
                    bits[q * words + (k >>> 6)] |= 1L << (k & 63);
                }
            }
        }
        return new AttentionMask(length, bits, "attention mask");
    }

    /** A mask from a function of (query, key), for masks built from structure rather than stored. */
    public static AttentionMask of(int length, Rule allowed) {
        int words = (length + 63) / 64;
        long[] bits = new long[length * words];
        for (int q = 0; q < length; q++) {
            for (int k = 0; k < length; k++) {
                if (allowed.allowed(q, k)) {
                    bits[q * words + (k >>> 6)] |= 1L << (k & 63);
                }
            }
        }
        return new AttentionMask(length, bits, "attention mask");
    }

    /** Whether a query may attend to a key; for masks built from structure. */
    @FunctionalInterface
    public interface Rule {
        boolean allowed(int query, int key);
    }

    /** The sequence length L. */
    public int length() {
        return length;
    }

    /** Whether query {@code query} may attend to key {@code key}. */
    public boolean allowed(int query, int key) {
        return (bits[query * words + (key >>> 6)] >>> (key & 63) & 1L) != 0;
    }

    /** How the skipping path would compute this mask. */
    public Plan plan() {
        return plan;
    }

    /**
     * The mask as an additive score bias [L, L] (0 where allowed, -inf where not) in {@code dtype} on
     * {@code manager}'s device: what dense masked attention adds to q.k^T. Built from a boolean tensor and one
     * masked assignment on the device, so no float matrix passes through the heap.
     */
    public NDArray bias(NDManager manager, DataType dtype) {
        ByteBuffer bytes = ByteBuffer.allocateDirect(length * length).order(ByteOrder.nativeOrder());
        // Rows of a group are identical: build each group's row once and copy it in bulk.
        byte[] row = new byte[length];
        for (Group group : plan.groups()) {
            Arrays.fill(row, (byte) 0);
            for (int k : group.keys()) {
                row[k] = 1;
            }
            for (int q : group.queries()) {
                bytes.put(q * length, row);
            }
        }
        try (NDArray mask = manager.create(bytes, new Shape(length, length), DataType.BOOLEAN)) {
            NDArray bias = manager.full(new Shape(length, length), Float.NEGATIVE_INFINITY, dtype);
            bias.set(new NDIndex().addBooleanIndex(mask), 0f);
            return bias;
        }
    }

    private Plan analyse(String source) {
        Map<RowKey, List<Integer>> byRow = new LinkedHashMap<>();
        for (int q = 0; q < length; q++) {
            RowKey key = new RowKey(bits, q * words, words);
            byRow.computeIfAbsent(key, k -> new ArrayList<>()).add(q);
        }
        List<Group> groups = new ArrayList<>();
        long cost = 0;
        for (Map.Entry<RowKey, List<Integer>> entry : byRow.entrySet()) {
            int[] queries = entry.getValue().stream().mapToInt(Integer::intValue).toArray();
            int first = queries[0];
            int[] keys = new int[length];
            int count = 0;
            for (int k = 0; k < length; k++) {
                if (allowed(first, k)) {
                    keys[count++] = k;
                }
            }
            if (count == 0) {
                throw new IllegalArgumentException(source + ": query row " + first + " may attend to no key (every"
                        + " row needs at least one True)");
            }
            groups.add(new Group(queries, Arrays.copyOf(keys, count)));
            cost += (long) queries.length * count;
        }
        return new Plan(length, Collections.unmodifiableList(groups), cost);
    }

    /**
     * Query rows that share one mask row, and the keys they may see, both ascending.
     *
     * @param queries the query rows
     * @param keys the allowed keys
     */
    public record Group(int[] queries, int[] keys) {

        /** Whether the queries are one contiguous range. */
        public boolean contiguousQueries() {
            return contiguous(queries);
        }

        /** Whether the keys are one contiguous range. */
        public boolean contiguousKeys() {
            return contiguous(keys);
        }

        private static boolean contiguous(int[] indices) {
            return indices[indices.length - 1] - indices[0] == indices.length - 1;
        }
    }

    /**
     * The groups of a mask and what skipping costs.
     *
     * @param length the sequence length
     * @param groups the groups, in order of their first query row
     * @param scoreEntries query-key pairs the skipping path computes (dense: length x length)
     */
    public record Plan(int length, List<Group> groups, long scoreEntries) {

        /** Fraction of the dense score matrix the skipping path computes. */
        public double density() {
            return scoreEntries / ((double) length * length);
        }

        /** Whether every query may attend to every key (the mask changes nothing). */
        public boolean unmasked() {
            return groups.size() == 1 && groups.get(0).keys().length == length;
        }
    }

    /** A mask row, compared by content. */
    private static final class RowKey {
        private final long[] bits;
        private final int offset;
        private final int words;
        private final int hash;

        RowKey(long[] bits, int offset, int words) {
            this.bits = bits;
            this.offset = offset;
            this.words = words;
            int h = 1;
            for (int i = 0; i < words; i++) {
                h = 31 * h + Long.hashCode(bits[offset + i]);
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof RowKey row && row.hash == hash
                    && Arrays.equals(bits, offset, offset + words, row.bits, row.offset, row.offset + words);
        }
    }
}
