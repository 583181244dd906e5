package dev.tessera.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.sd.AutoencoderKL;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.DiagonalGaussian;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Trains models-sd's {@link AutoencoderKL} (the SD1.x VAE topology) on a dataset's images: a posterior sample
 * (reparameterised) is decoded, and the loss is the mean absolute pixel error plus a small KL term towards the unit
 * Gaussian, as the LDM autoencoders are trained (without their perceptual and adversarial terms, which a world of
 * flat-coloured shapes does not need).
 */
public final class AutoencoderTraining {

    /**
     * @param klWeight weight of the mean KL divergence per latent element against the mean L1 per pixel
     */
    public record Options(AutoencoderKLConfig config, int batch, long steps, double learningRate, int warmup,
            int checkpointEvery, double klWeight, long seed) {}

    private AutoencoderTraining() {}

    /**
     * Trains (or continues the run in {@code folder}) and returns the trained parameters on {@code manager}.
     * Returns null when {@code stop} ended the run early (its checkpoint is written).
     */
    public static TrainableParameters train(Options options, TrainingData data, java.nio.file.Path folder,
            NDManager manager, TrainingProgress progress, BooleanSupplier stop) {
        TrainingLoop.Settings settings = new TrainingLoop.Settings("autoencoder", options.steps(),
                options.checkpointEvery(), options.learningRate(), options.warmup(), 0.1, 0, folder);
        TrainingCheckpoint resumed = TrainingLoop.resumable(settings, manager);
        TrainableParameters parameters = new TrainableParameters(manager.newSubManager(), options.seed(),
                resumed == null ? Map.of() : resumed.parameters(), name -> false);
        AutoencoderKL vae = new AutoencoderKL(options.config(), parameters, DataType.FLOAT32);
        TrainingLoop loop = new TrainingLoop(settings, parameters.all(), AdamW.defaults(), resumed,
                Map.of("stage", "autoencoder", "seed", Long.toString(options.seed())));
        boolean done = loop.run((step, scratch) -> {
            StepRandom random = new StepRandom(options.seed(), step);
            int[] batch = random.indices(options.batch(), data.size());
            NDArray images = data.images(batch, scratch);
            DiagonalGaussian posterior = vae.encode(images);
            Shape latent = posterior.mean().getShape();
            NDArray eps = scratch.create(random.gaussians((int) latent.size()), latent).duplicate();
            NDArray z = posterior.mean().add(posterior.logvar().mul(0.5f).exp().mul(eps));
            NDArray decoded = vae.decode(z);
            NDArray l1 = decoded.sub(images).abs().mean();
            NDArray kl = posterior.mean().square().add(posterior.logvar().exp()).sub(1f).sub(posterior.logvar())
                    .mean().mul(0.5f);
            return l1.add(kl.mul((float) options.klWeight()));
        }, manager, progress, stop);
        return done ? parameters : null;
    }
}
