package dev.tessera.models.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Token ids of a batch of prompts padded to one length, with the attention mask (1 = token, 0 = padding) and how
 * many tokens of each prompt truncation dropped (diffusers warns about those; a node can too).
 */
public final class T5Tokens {

    private final long[][] ids;
    private final long[][] mask;
    private final int[] truncated;

    T5Tokens(long[][] ids, long[][] mask, int[] truncated) {
        this.ids = ids;
        this.mask = mask;
        this.truncated = truncated;
    }

    public int batch() {
        return ids.length;
    }

    public int length() {
        return ids.length == 0 ? 0 : ids[0].length;
    }

    /** The ids of prompt {@code index}, a copy. */
    public long[] ids(int index) {
        return ids[index].clone();
    }

    /** The attention mask of prompt {@code index}, a copy. */
    public long[] attentionMask(int index) {
        return mask[index].clone();
    }

    /** How many tokens of prompt {@code index} were cut off to fit the length (0 if none). */
    public int truncatedTokens(int index) {
        return truncated[index];
    }

    /** input_ids [batch, length] int64 on {@code manager}. */
    public NDArray idsArray(NDManager manager) {
        return manager.create(flatten(ids), new Shape(batch(), length()));
    }

    /** attention_mask [batch, length] int64 on {@code manager}. */
    public NDArray maskArray(NDManager manager) {
        return manager.create(flatten(mask), new Shape(batch(), length()));
    }

    private static long[] flatten(long[][] rows) {
        return Arrays.stream(rows).flatMapToLong(Arrays::stream).toArray();
    }

    @Override
    public String toString() {
        return "T5Tokens" + Arrays.deepToString(ids);
    }
}
