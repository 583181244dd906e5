package dev.tessera.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.sd.AutoencoderKL;
import dev.tessera.tensor.TensorScope;

/**
 * The VAE latents (posterior means) of every image of a dataset, encoded once so that the diffusion model trains
 * without running the encoder, and the scaling factor that gives them unit standard deviation (how SD's 0.18215
 * was chosen: 1 / std of the first batch's latents; here of all of them).
 */
public final class LatentCache {

    private final float[] latents;
    private final Shape each;
    private final float scaling;
    private final float measured;

    private LatentCache(float[] latents, Shape each, float scaling, float measured) {
        this.latents = latents;
        this.each = each;
        this.scaling = scaling;
        this.measured = measured;
    }

    /** The same latents scaled by {@code factor} into diffusion space (a VAE trained here: its measured one). */
    public LatentCache withScaling(float factor) {
        return new LatentCache(latents, each, factor, measured);
    }

    /** Encodes {@code data} in batches of {@code batch}, scaled by the VAE's own scaling factor. */
    public static LatentCache encode(AutoencoderKL vae, TrainingData data, int batch, NDManager manager) {
        float[] all = null;
        Shape each = null;
        int offset = 0;
        for (int start = 0; start < data.size(); start += batch) {
            int count = Math.min(batch, data.size() - start);
            int[] indices = new int[count];
            for (int i = 0; i < count; i++) {
                indices[i] = start + i;
            }
            try (NDManager scratch = manager.newSubManager()) {
                float[] values = TensorScope.keep(() -> vae.encode(data.images(indices, scratch)).mean())
                        .toFloatArray();
                if (all == null) {
                    each = new Shape(vae.config().latentChannels(), data.height() / vae.config().downscale(),
                            data.width() / vae.config().downscale());
                    all = new float[Math.toIntExact(data.size() * each.size())];
                }
                System.arraycopy(values, 0, all, offset, values.length);
                offset += values.length;
            }
        }
        double sum = 0;
        double squares = 0;
        for (float v : all) {
            sum += v;
            squares += (double) v * v;
        }
        double mean = sum / all.length;
        double std = Math.sqrt(Math.max(squares / all.length - mean * mean, 1e-12));
        return new LatentCache(all, each, vae.scalingFactor(), (float) (1 / std));
    }

    /** The factor latents are scaled by into diffusion space. */
    public float scaling() {
        return scaling;
    }

    /** 1 / the standard deviation of the latents: the {@code scaling_factor} a newly trained VAE should state. */
    public float measuredScaling() {
        return measured;
    }

    public Shape latentShape() {
        return each;
    }

    /** Latents {@code indices}, scaled to diffusion space, as [B, C, h, w] on {@code manager}. */
    public NDArray scaled(int[] indices, NDManager manager) {
        int size = Math.toIntExact(each.size());
        float[] out = new float[indices.length * size];
        for (int b = 0; b < indices.length; b++) {
            for (int i = 0; i < size; i++) {
                out[b * size + i] = latents[indices[b] * size + i] * scaling;
            }
        }
        return manager.create(out, new Shape(indices.length, each.get(0), each.get(1), each.get(2))).duplicate();
    }
}
