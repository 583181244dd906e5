package dev.tessera.model.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;
import java.util.Optional;

/**
 * ComfyUI's LATENT: {@code samples} {@code [B, C, h, w]} in the VAE's latent space (unscaled, as VAEEncode makes
 * them and VAEDecode takes them), an optional noise mask (inpainting), and the latent format when the producer knows
 * it (a sampler or a VAE does; EmptyLatentImage does not), and ComfyUI's {@code batch_index} when the entries were
 * taken from a larger batch (LatentFromBatch, RepeatLatentBatch), so a sampler gives each entry the noise it had
 * there.
 *
 * <p>The latent owns its manager: closing it frees the tensors. A node that passes samples on must copy them.
 */
public final class Latent implements AutoCloseable {

    private final NDManager manager;
    private final NDArray samples;
    private final NDArray noiseMask;
    private final LatentFormat format;
    private final long[] batchIndex;

    private Latent(NDManager manager, NDArray samples, NDArray noiseMask, LatentFormat format, long[] batchIndex) {
        this.manager = manager;
        this.samples = samples;
        this.noiseMask = noiseMask;
        this.format = format;
        this.batchIndex = batchIndex;
    }

    /**
     * A latent that takes ownership of {@code manager} and moves the arrays into it.
     *
     * @param noiseMask nullable
     * @param format nullable: unknown
     * @throws IllegalArgumentException if samples is not a floating [B, C, h, w] tensor, or its channels differ
     *     from the format's
     */
    public static Latent owning(NDManager manager, NDArray samples, NDArray noiseMask, LatentFormat format) {
        return owning(manager, samples, noiseMask, format, null);
    }

    /**
     * {@link #owning(NDManager, NDArray, NDArray, LatentFormat)} with ComfyUI's {@code batch_index}: per entry, its
     * index in the batch it came from.
     *
     * @param batchIndex nullable: the entries are a batch of their own
     * @throws IllegalArgumentException also when {@code batchIndex} does not have one non-negative index per entry
     */
    public static Latent owning(NDManager manager, NDArray samples, NDArray noiseMask, LatentFormat format,
            long[] batchIndex) {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(samples, "samples");
        Shape shape = samples.getShape();
        if (shape.dimension() != 4 || shape.get(0) < 1 || shape.get(1) < 1 || shape.get(2) < 1 || shape.get(3) < 1) {
            throw new IllegalArgumentException("LATENT samples must be [batch, channels, height, width], got " + shape);
        }
        if (!samples.getDataType().isFloating()) {
            throw new IllegalArgumentException("LATENT samples must be floating point, got " + samples.getDataType());
        }
        if (format != null && format.channels() != shape.get(1)) {
            throw new IllegalArgumentException("LATENT samples have " + shape.get(1) + " channels, the "
                    + format.family() + " latent format has " + format.channels());
        }
        if (batchIndex != null) {
            if (batchIndex.length != shape.get(0)) {
                throw new IllegalArgumentException("LATENT batch_index has " + batchIndex.length + " entries for a"
                        + " batch of " + shape.get(0));
            }
            for (long index : batchIndex) {
                if (index < 0) {
                    throw new IllegalArgumentException("LATENT batch_index " + index + " is negative");
                }
            }
        }
        samples.attach(manager);
        if (noiseMask != null) {
            noiseMask.attach(manager);
        }
        return new Latent(manager, samples, noiseMask, format, batchIndex == null ? null : batchIndex.clone());
    }

    public NDArray samples() {
        return samples;
    }

    public Optional<NDArray> noiseMask() {
        return Optional.ofNullable(noiseMask);
    }

    /** The latent format, when the producer knew the model family. */
    public Optional<LatentFormat> format() {
        return Optional.ofNullable(format);
    }

    /** ComfyUI's {@code batch_index}: per entry, its index in the batch it was taken from; empty for a batch of its own. */
    public Optional<long[]> batchIndex() {
        return Optional.ofNullable(batchIndex).map(long[]::clone);
    }

    public long batchSize() {
        return samples.getShape().get(0);
    }

    public long channels() {
        return samples.getShape().get(1);
    }

    public long height() {
        return samples.getShape().get(2);
    }

    public long width() {
        return samples.getShape().get(3);
    }

    /** For messages: {@code [1, 4, 64, 64] sd1} or {@code [1, 4, 64, 64] (family unknown)}. */
    public String describe() {
        return samples.getShape() + (format == null ? " (family unknown)" : " " + format.family());
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "Latent" + describe();
    }
}
