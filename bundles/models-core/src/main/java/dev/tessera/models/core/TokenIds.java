package dev.tessera.models.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.tessera.tensor.TensorScope;

/** Checks of token id tensors a text encoder is given, shared by the CLIP and T5 encoders. */
public final class TokenIds {

    private TokenIds() {}

    /**
     * Requires integer ids in {@code [0, vocabSize)}: an id outside would index past the embedding table.
     *
     * @param what the encoder's name for messages ({@code "text encoder"}, {@code "T5 encoder"})
     * @throws IllegalArgumentException naming {@code what}, the dtype or the range found
     */
    public static void requireInVocabulary(String what, NDArray ids, long vocabSize) {
        if (ids.getDataType().isFloating()) {
            throw new IllegalArgumentException(what + " input_ids: dtype " + ids.getDataType()
                    + ", expected integer token ids");
        }
        long[] range = new long[2];
        TensorScope.run(() -> {
            range[0] = ids.min().toType(DataType.INT64, false).getLong();
            range[1] = ids.max().toType(DataType.INT64, false).getLong();
        });
        if (range[0] < 0 || range[1] >= vocabSize) {
            throw new IllegalArgumentException(what + " input_ids: ids range over [" + range[0] + ", " + range[1]
                    + "], the vocabulary has ids 0.." + (vocabSize - 1));
        }
    }
}
