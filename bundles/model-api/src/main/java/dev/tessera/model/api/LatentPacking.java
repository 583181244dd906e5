package dev.tessera.model.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * FLUX's 2x2 latent packing: a latent {@code [B, C, H, W]} becomes {@code H/2 * W/2} tokens of {@code 4C} values
 * (diffusers' {@code FluxPipeline._pack_latents}, BFL's {@code rearrange("b c (h ph) (w pw) -> b (h w) (c ph pw)")}).
 * Token {@code i * W/2 + j} holds the 2x2 patch at latent rows {@code 2i, 2i+1} and columns {@code 2j, 2j+1}; its
 * value {@code c * 4 + dy * 2 + dx} is channel {@code c} at offset {@code (dy, dx)} in the patch. Both directions are
 * pure reshapes and permutes, so a round trip is exact.
 */
public final class LatentPacking {

    /** Latent pixels per token along each side. */
    public static final int PATCH = 2;

    private LatentPacking() {
    }

    /**
     * {@code [B, C, H, W]} to {@code [B, H/2 * W/2, 4C]}.
     *
     * @throws IllegalArgumentException if the latent is not 4-D or H or W is odd
     */
    public static NDArray pack(NDArray latent) {
        Shape shape = latent.getShape();
        if (shape.dimension() != 4 || shape.get(2) % PATCH != 0 || shape.get(3) % PATCH != 0) {
            throw new IllegalArgumentException("latent packing: shape " + shape + ", expected [batch, channels, height,"
                    + " width] with even height and width (images a multiple of 16 pixels)");
        }
        long batch = shape.get(0);
        long channels = shape.get(1);
        long rows = shape.get(2) / PATCH;
        long cols = shape.get(3) / PATCH;
        return latent.reshape(batch, channels, rows, PATCH, cols, PATCH).transpose(0, 2, 4, 1, 3, 5)
                .reshape(batch, rows * cols, channels * PATCH * PATCH);
    }

    /**
     * {@code [B, height/2 * width/2, 4C]} back to {@code [B, C, height, width]}, {@code height} and {@code width} in
     * latent pixels (diffusers' {@code _unpack_latents} takes image pixels and divides by the VAE's 8 first).
     *
     * @throws IllegalArgumentException if the token count or width do not fit the size
     */
    public static NDArray unpack(NDArray packed, long height, long width) {
        Shape shape = packed.getShape();
        if (height <= 0 || width <= 0 || height % PATCH != 0 || width % PATCH != 0) {
            throw new IllegalArgumentException("latent unpacking: size " + height + "x" + width
                    + " must be positive and even (latent pixels)");
        }
        long rows = height / PATCH;
        long cols = width / PATCH;
        if (shape.dimension() != 3 || shape.get(1) != rows * cols || shape.get(2) % (PATCH * PATCH) != 0) {
            throw new IllegalArgumentException("latent unpacking: shape " + shape + ", expected [batch, " + rows * cols
                    + " tokens (" + rows + "x" + cols + "), channels x 4] for a " + height + "x" + width + " latent");
        }
        long batch = shape.get(0);
        long channels = shape.get(2) / (PATCH * PATCH);
        return packed.reshape(batch, rows, cols, channels, PATCH, PATCH).transpose(0, 3, 1, 4, 2, 5)
                .reshape(batch, channels, height, width);
    }
}
