package dev.tessera.models.dit.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * FLUX's rotary position embedding over several axes (diffusers' FluxPosEmbed, BFL's EmbedND): axis {@code a} of
 * the ids rotates its own {@code axesDims[a]} channels of each head, pairs (2j, 2j+1) by the angle
 * {@code id * theta^(-2j / axesDims[a])}. The tables are computed on the host in double precision and stored in
 * float32, as diffusers computes them in float64 and casts.
 *
 * <p>Applying is {@code x * cos + swap(x) * sinSigned}, where swap exchanges the two channels of each pair and
 * sinSigned is -sin on even channels and +sin on odd ones: 4 launches (flip, 2 mul, add), in float32 as diffusers
 * does (2 casts more outside float32).
 *
 * @param cos [1, L, 1, D] float32
 * @param sinSigned [1, L, 1, D] float32
 */
public record Rope(NDArray cos, NDArray sinSigned) {

    /** Tables for {@code ids} [L, axes] (host floats, row-major), on {@code manager}. */
    public static Rope of(float[] ids, int length, List<Integer> axesDims, double theta, NDManager manager) {
        int axes = axesDims.size();
        int dim = axesDims.stream().mapToInt(Integer::intValue).sum();
        float[] cos = new float[length * dim];
        float[] sin = new float[length * dim];
        for (int t = 0; t < length; t++) {
            int channel = 0;
            for (int a = 0; a < axes; a++) {
                int axisDim = axesDims.get(a);
                double position = ids[t * axes + a];
                for (int j = 0; j < axisDim / 2; j++) {
                    double frequency = 1.0 / Math.pow(theta, (2.0 * j) / axisDim);
                    double angle = position * frequency;
                    float c = (float) Math.cos(angle);
                    float s = (float) Math.sin(angle);
                    int at = t * dim + channel + 2 * j;
                    cos[at] = c;
                    cos[at + 1] = c;
                    sin[at] = -s;
                    sin[at + 1] = s;
                }
                channel += axisDim;
            }
        }
        Shape shape = new Shape(1, length, 1, dim);
        return new Rope(manager.create(cos, shape), manager.create(sin, shape));
    }

    /** Rotates {@code x} [B, L, H, D] (any floating dtype; the result has x's dtype). */
    public NDArray apply(NDArray x) {
        DataType dtype = x.getDataType();
        NDArray x32 = dtype == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        Shape shape = x.getShape();
        NDArray swapped = x32.reshape(shape.get(0), shape.get(1), shape.get(2), shape.get(3) / 2, 2).flip(4)
                .reshape(shape);
        NDArray out = x32.mul(cos).add(swapped.mul(sinSigned));
        return dtype == DataType.FLOAT32 ? out : out.toType(dtype, false);
    }
}
