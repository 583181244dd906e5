package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.sampling.ClassifierFreeGuidance;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.NoiseSource;
import dev.tessera.sampling.Prediction;
import dev.tessera.sampling.Sampler;
import dev.tessera.sampling.Samplers;
import dev.tessera.sampling.Schedule;
import dev.tessera.sampling.comfy.ComfySchedulers;
import dev.tessera.tokenizers.ClipTokenizer;
import dev.tessera.tokenizers.TextTokenizer;
import java.nio.file.Path;

/**
 * ComfyUI's text-to-image written out by hand from the lower layers (models-sd, sampling, tokenizers), without the
 * handles, ComfySampling or the nodes: tokens to the last hidden state, the named ComfyUI schedule, noise drawn as
 * torch.manual_seed(seed); randn, scaled by sqrt(1 + sigma0^2) (ComfyUI's max_denoise, the schedule starting at the
 * model's largest sigma), the sampling bundle's own CFG wrapper over [negative; positive], the result divided by
 * 0.18215 and decoded to clamp((x + 1) / 2, 0, 1).
 */
final class IndependentTxt2Img {

    private IndependentTxt2Img() {}

    /** The expected IMAGE [1, 8h, 8w, 3] and LATENT [1, 4, h, w] (VAE space), on {@code m}. */
    static NDList run(Path checkpoint, Path tokenizerJson, String positive, String negative, long seed, int steps,
            double cfg, String samplerName, String scheduler, int width, int height, NDManager m) {
        try (StableDiffusionCheckpoint ckpt = StableDiffusionCheckpoint.open(checkpoint, Device.cpu(),
                DataType.FLOAT32, m); TextTokenizer text = TextTokenizer.fromTokenizerJson(tokenizerJson)) {
            ClipTokenizer tokenizer = ClipTokenizer.sd1(text);
            CLIPTextModel clip = ckpt.textEncoder();
            NDArray cond = encode(clip, tokenizer, positive, m);
            NDArray uncond = encode(clip, tokenizer, negative, m);
            NDArray context = NDArrays.concat(new NDList(uncond, cond), 0);
            UNet2DConditionModel unet = ckpt.unet();

            Schedule schedule = ComfySchedulers.named(scheduler, NoiseSchedule.stableDiffusion(), steps);
            assertTrue(schedule.inflatedInitialNoise(), scheduler + " starts at the model's largest sigma");
            Sampler sampler = Samplers.named(samplerName, Prediction.EPSILON);
            NoiseSource noise = NoiseSource.seeded(seed);
            NDArray drawn = noise.next(m, new Shape(1, 4, height / 8, width / 8), DataType.FLOAT32);
            double sigma0 = schedule.sigma(0);
            NDArray x = drawn.mul((float) Math.sqrt(1 + sigma0 * sigma0));
            ClassifierFreeGuidance guided = new ClassifierFreeGuidance((input, step) -> unet.forward(input,
                    input.getManager().full(new Shape(input.getShape().get(0)), (float) step.timestep()), context),
                    cfg);
            NDArray latent = sampler.sample(guided, x, schedule, noise, null).div(0.18215f);
            NDArray image = ckpt.vae().decode(latent).add(1f).div(2f).clip(0f, 1f).transpose(0, 2, 3, 1);
            NDArray ownImage = image.duplicate();
            ownImage.attach(m);
            latent.attach(m);
            return new NDList(ownImage, latent);
        }
    }

    private static NDArray encode(CLIPTextModel clip, ClipTokenizer tokenizer, String prompt, NDManager m) {
        long[] ids = tokenizer.tokenizeWithWeights(prompt).allIds();
        return clip.forward(m.create(ids, new Shape(ids.length / 77, 77))).lastHiddenState()
                .reshape(1, ids.length, -1);
    }
}
