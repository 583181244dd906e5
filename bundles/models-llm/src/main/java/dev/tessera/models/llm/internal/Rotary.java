package dev.tessera.models.llm.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * transformers' LLaMA rotary embedding: channel j of a head pairs with channel j + D/2 ({@code rotate_half}), both
 * rotated by {@code position * invFreq[j mod D/2]}. The tables are computed on the host in double precision for the
 * positions of one forward pass and stored in float32 (transformers computes them in float32).
 */
public final class Rotary {

    private final double[] inverseFrequencies;

    public Rotary(double[] inverseFrequencies) {
        this.inverseFrequencies = inverseFrequencies.clone();
    }

    /** cos and sin [1, 1, length, D] float32 for positions {@code start .. start + length - 1}. */
    public NDArray[] tables(NDManager manager, long start, int length) {
        int half = inverseFrequencies.length;
        int dim = 2 * half;
        float[] cos = new float[length * dim];
        float[] sin = new float[length * dim];
        for (int t = 0; t < length; t++) {
            for (int j = 0; j < half; j++) {
                // float32 product as transformers forms it (inv_freq float32 times the position), then cos/sin.
                float angle = (float) (start + t) * (float) inverseFrequencies[j];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[t * dim + j] = c;
                cos[t * dim + j + half] = c;
                sin[t * dim + j] = s;
                sin[t * dim + j + half] = s;
            }
        }
        Shape shape = new Shape(1, 1, length, dim);
        return new NDArray[] {manager.create(cos, shape), manager.create(sin, shape)};
    }

    /** Rotates {@code x} [B, H, L, D] by the tables (result in x's dtype, computed in x's dtype as transformers). */
    public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        DataType type = x.getDataType();
        NDArray c = cos.toType(type, false);
        NDArray s = sin.toType(type, false);
        long half = x.getShape().get(3) / 2;
        NDArray first = x.get("..., :{}", half);
        NDArray second = x.get("..., {}:", half);
        NDArray rotated = second.neg().concat(first, 3);
        return x.mul(c).add(rotated.mul(s));
    }
}
