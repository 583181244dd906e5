package dev.tessera.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.sampling.NoiseSchedule;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Trains models-sd's {@link UNet2DConditionModel} and {@link CLIPTextModel} together from scratch, as SD1.x is
 * trained but with the text encoder learnt too: epsilon prediction on cached VAE latents, timesteps uniform over
 * SD1.x's 1000-step scaled-linear schedule, the caption replaced by the empty one with probability
 * {@code captionDropout} (what classifier-free guidance needs), and Min-SNR-gamma loss weights (Hang et al. 2023:
 * {@code min(SNR, gamma) / SNR} for epsilon prediction), which speed up convergence at no cost. The conditioning is
 * the text encoder's last hidden state, what CLIPTextEncode gives an SD1.x model.
 */
public final class DiffusionTraining {

    public static final String UNET = "unet.";
    public static final String TEXT = "text_encoder.";

    public record Options(UNet2DConditionConfig unet, CLIPTextConfig text, int batch, long steps,
            double learningRate, int warmup, int checkpointEvery, double captionDropout, double minSnrGamma,
            double emaDecay, long seed) {}

    /** The trained models: parameters by model-relative name, and their moving averages (what is exported). */
    public record Result(Map<String, NDArray> unet, Map<String, NDArray> text) {}

    private DiffusionTraining() {}

    /**
     * Trains or continues the run in {@code folder}. {@code tokens} holds each dataset entry's 77 caption ids and
     * {@code emptyTokens} those of the empty caption. Returns null when {@code stop} ended the run early.
     */
    public static Result train(Options options, LatentCache latents, List<long[]> tokens, long[] emptyTokens,
            Path folder, NDManager manager, TrainingProgress progress, BooleanSupplier stop) {
        TrainingLoop.Settings settings = new TrainingLoop.Settings("diffusion", options.steps(),
                options.checkpointEvery(), options.learningRate(), options.warmup(), 0.1, options.emaDecay(), folder);
        TrainingCheckpoint resumed = TrainingLoop.resumable(settings, manager);
        TrainableParameters unetParameters = new TrainableParameters(manager.newSubManager(), options.seed(),
                part(resumed == null ? Map.of() : resumed.parameters(), UNET), name -> false);
        TrainableParameters textParameters = new TrainableParameters(manager.newSubManager(), options.seed() + 1,
                part(resumed == null ? Map.of() : resumed.parameters(), TEXT), name -> false);
        UNet2DConditionModel unet = new UNet2DConditionModel(options.unet(), unetParameters, DataType.FLOAT32);
        CLIPTextModel text = new CLIPTextModel(options.text(), textParameters, DataType.FLOAT32);
        Map<String, NDArray> all = new LinkedHashMap<>();
        unetParameters.all().forEach((k, v) -> all.put(UNET + k, v));
        textParameters.all().forEach((k, v) -> all.put(TEXT + k, v));
        NoiseSchedule schedule = NoiseSchedule.stableDiffusion();
        int timesteps = schedule.numTrainTimesteps();
        Shape latent = latents.latentShape();
        int length = emptyTokens.length;
        TrainingLoop loop = new TrainingLoop(settings, all, AdamW.defaults(), resumed,
                Map.of("stage", "diffusion", "seed", Long.toString(options.seed())));
        boolean done = loop.run((step, scratch) -> {
            StepRandom random = new StepRandom(options.seed(), step);
            int b = options.batch();
            int[] batch = random.indices(b, tokens.size());
            long[] ids = new long[b * length];
            float[] t = new float[b];
            float[] signal = new float[b];
            float[] noiseScale = new float[b];
            float[] weight = new float[b];
            for (int i = 0; i < b; i++) {
                long[] caption = random.nextDouble() < options.captionDropout() ? emptyTokens : tokens.get(batch[i]);
                System.arraycopy(caption, 0, ids, i * length, length);
                int step_ = random.nextInt(timesteps);
                double alphaBar = schedule.alphaCumprod(step_);
                t[i] = step_;
                signal[i] = (float) Math.sqrt(alphaBar);
                noiseScale[i] = (float) Math.sqrt(1 - alphaBar);
                double snr = alphaBar / (1 - alphaBar);
                weight[i] = (float) (Math.min(snr, options.minSnrGamma()) / snr);
            }
            NDArray x0 = latents.scaled(batch, scratch);
            Shape noiseShape = new Shape(b, latent.get(0), latent.get(1), latent.get(2));
            NDArray noise = scratch.create(random.gaussians((int) noiseShape.size()), noiseShape).duplicate();
            NDArray noisy = x0.mul(column(scratch, signal)).add(noise.mul(column(scratch, noiseScale)));
            NDArray context = text.forward(scratch.create(ids, new Shape(b, length)).duplicate()).lastHiddenState();
            NDArray prediction = unet.forward(noisy, scratch.create(t).duplicate(), context);
            NDArray perSample = prediction.sub(noise).square().reshape(b, -1).mean(new int[] {1});
            return perSample.mul(scratch.create(weight).duplicate()).mean();
        }, manager, progress, stop);
        if (!done) {
            return null;
        }
        Map<String, NDArray> exported = loop.average().isEmpty() ? all : loop.average();
        return new Result(part(exported, UNET), part(exported, TEXT));
    }

    private static NDArray column(NDManager manager, float[] values) {
        return manager.create(values, new Shape(values.length, 1, 1, 1)).duplicate();
    }

    static Map<String, NDArray> part(Map<String, NDArray> all, String prefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
