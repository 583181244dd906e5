package dev.tessera.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.miglora.Fusion;
import dev.tessera.miglora.InstanceEmbeddings;
import dev.tessera.miglora.MaskEncoder;
import dev.tessera.miglora.MigHook;
import dev.tessera.model.api.HookContext;
import dev.tessera.models.core.PatchedWeights;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.HookedUNet;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.sampling.ModelStep;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.tensor.ScalarOps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Trains a MIGLoRA adapter the paper's way on a frozen SD1.x base: the released-variant mask encoder (diffusers'
 * ControlNetConditioningEmbedding, last conv zero-initialised) and LoRA on the attention projections
 * ({@code attn1}/{@code attn2} {@code to_q}, {@code to_k}, {@code to_v}, {@code to_out.0} of every transformer
 * block, as the released training), through miglora's own {@link MigHook}: each sample's instances divide the UNet
 * encoder, their features are combined with the chosen fusion, the decoder runs with the global caption. The
 * loss is SD's epsilon loss with Min-SNR weights; the hook is active at every timestep (beta is an inference
 * setting). With probability {@code textDropout} every caption of a sample (global and instances) is the empty one
 * while its masks stay, which is what the unconditional half of classifier-free guidance runs at inference.
 *
 * <p>Each sample has its own layout, so the model runs once per sample (a batch of {@code 1 + instances} rows
 * inside the hook) and the losses are averaged before one backward pass.
 */
public final class MigLoraTraining {

    /** LoRA targets: the attention projections of every transformer block. */
    public static final Pattern TARGETS = Pattern.compile(".*\\.attn[12]\\.(to_q|to_k|to_v|to_out\\.0)\\.weight");
    private static final String ENCODER = "mask_encoder.";
    private static final String LORA = "lora.";

    /**
     * @param encoderWidths the mask encoder's block widths (released: 16, 32, 96, 256)
     * @param maxInstances  layouts with more instances are cut to their first {@code maxInstances} (the released
     *                      training used at most 5)
     */
    public record Options(int rank, double alpha, double learningRate, long steps, int batch, Fusion fusion,
            int warmup, int checkpointEvery, List<Integer> encoderWidths, double textDropout, int maxInstances,
            double minSnrGamma, long seed) {

        public Options {
            if (rank <= 0 || alpha <= 0) {
                throw new IllegalArgumentException("rank and alpha must be positive (rank " + rank + ", alpha "
                        + alpha + ")");
            }
        }
    }

    /**
     * The trained adapter: the mask encoder by the released file's bare names, and the LoRA by diffusers' PEFT
     * names ({@code unet.<module>.lora_A.weight}, {@code unet.<module>.lora_B.weight}) with alpha / rank folded into
     * lora_B, so that a reader assuming alpha = rank (as for PEFT files) applies it as trained.
     */
    public record Result(Map<String, NDArray> encoder, Map<String, NDArray> lora) {}

    private MigLoraTraining() {}

    /**
     * Trains or continues the run in {@code folder}. {@code base} holds the frozen UNet's parameters (e.g. a loaded
     * checkpoint's), {@code unetSpecs} the name and shape of each. Returns null when {@code stop} ended the run.
     */
    public static Result train(Options options, UNet2DConditionConfig config, Weights base,
            Map<String, Shape> unetSpecs, PromptEncoder text, LatentCache latents, TrainingData data, Path folder,
            NDManager manager, TrainingProgress progress, BooleanSupplier stop) {
        TrainingLoop.Settings settings = new TrainingLoop.Settings("miglora", options.steps(),
                options.checkpointEvery(), options.learningRate(), options.warmup(), 0.1, 0, folder);
        TrainingCheckpoint resumed = TrainingLoop.resumable(settings, manager);
        Map<String, NDArray> start = resumed == null ? Map.of() : resumed.parameters();
        TrainableParameters encoderParameters = new TrainableParameters(manager.newSubManager(), options.seed(),
                DiffusionTraining.part(start, ENCODER), name -> name.startsWith("conv_out."));
        MaskEncoder encoder = MaskEncoder.released(3, options.encoderWidths(), config.blockOutChannels().get(0),
                encoderParameters, "mask-encoder:training");
        TrainableParameters loraParameters = new TrainableParameters(manager.newSubManager(), options.seed() + 1,
                DiffusionTraining.part(start, LORA), name -> name.endsWith(".lora_B.weight"));
        List<String> targets = unetSpecs.keySet().stream().filter(n -> TARGETS.matcher(n).matches()).sorted().toList();
        if (targets.isEmpty()) {
            throw new TrainingException("the UNet has no attention projections to put LoRA on");
        }
        for (String target : targets) {
            Shape w = unetSpecs.get(target);
            String module = target.substring(0, target.length() - ".weight".length());
            loraParameters.get(module + ".lora_A.weight", new Shape(options.rank(), w.get(1)));
            loraParameters.get(module + ".lora_B.weight", new Shape(w.get(0), options.rank()));
        }
        Map<String, NDArray> all = new LinkedHashMap<>();
        encoderParameters.all().forEach((k, v) -> all.put(ENCODER + k, v));
        loraParameters.all().forEach((k, v) -> all.put(LORA + k, v));
        float scale = (float) (options.alpha() / options.rank());
        NoiseSchedule schedule = NoiseSchedule.stableDiffusion();
        Shape latent = latents.latentShape();
        Map<String, float[]> phraseCache = new HashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("stage", "miglora");
        metadata.put("seed", Long.toString(options.seed()));
        TrainingLoop loop = new TrainingLoop(settings, all, AdamW.defaults(), resumed, metadata);
        boolean done = loop.run((step, scratch) -> {
            Map<String, NDArray> replacements = new HashMap<>();
            Map<String, NDArray> lora = loraParameters.all();
            for (String target : targets) {
                String module = target.substring(0, target.length() - ".weight".length());
                NDArray delta = lora.get(module + ".lora_B.weight").matMul(lora.get(module + ".lora_A.weight"));
                replacements.put(target, base.get(target, unetSpecs.get(target)).add(ScalarOps.multiply(delta, scale)));
            }
            UNet2DConditionModel unet = new UNet2DConditionModel(config, new PatchedWeights(base, replacements),
                    DataType.FLOAT32);
            StepRandom random = new StepRandom(options.seed(), step);
            int[] batch = random.indices(options.batch(), data.size());
            NDArray x0 = latents.scaled(batch, scratch);
            NDList losses = new NDList();
            for (int i = 0; i < batch.length; i++) {
                Layout layout = cut(data.layout(batch[i]), options.maxInstances());
                boolean dropped = random.nextDouble() < options.textDropout();
                int t = random.nextInt(schedule.numTrainTimesteps());
                double alphaBar = schedule.alphaCumprod(t);
                double snr = alphaBar / (1 - alphaBar);
                Shape one = new Shape(1, latent.get(0), latent.get(1), latent.get(2));
                NDArray noise = scratch.create(random.gaussians((int) one.size()), one).duplicate();
                NDArray noisy = x0.get(i).expandDims(0).mul((float) Math.sqrt(alphaBar))
                        .add(noise.mul((float) Math.sqrt(1 - alphaBar)));
                List<String> texts = new ArrayList<>();
                texts.add(dropped ? "" : layout.caption());
                for (Instance instance : layout.instances()) {
                    texts.add(dropped ? "" : instance.phrase());
                }
                NDArray embeddings = embed(texts, text, phraseCache, scratch);
                MigHook hook = new MigHook(encoder, layout, InstanceEmbeddings.of(embeddings), options.fusion(), 1.0);
                HookContext where = new HookContext(new ModelStep(0, 1, t, schedule.sigma(t)), List.of());
                NDArray prediction = HookedUNet.forward(unet, List.of(hook), noisy,
                        scratch.create(new float[] {t}).duplicate(), embeddings.get("0:1"), where);
                losses.add(ScalarOps.multiply(prediction.sub(noise).square().mean(),
                        (float) (Math.min(snr, options.minSnrGamma()) / snr)).reshape(1));
            }
            return NDArrays.concat(losses).mean();
        }, manager, progress, stop);
        if (!done) {
            return null;
        }
        Map<String, NDArray> encoderOut = new LinkedHashMap<>(encoderParameters.all());
        Map<String, NDArray> loraOut = new LinkedHashMap<>();
        loraParameters.all().forEach((k, v) -> loraOut.put("unet." + k,
                k.endsWith(".lora_B.weight") && scale != 1f ? v.mul(scale) : v));
        return new Result(encoderOut, loraOut);
    }

    /** The layout with at most {@code max} instances (the first ones). */
    static Layout cut(Layout layout, int max) {
        if (layout.size() <= max) {
            return layout;
        }
        return layout.toBuilder().clearInstances().addAll(layout.instances().subList(0, max)).build();
    }

    /** [texts, tokens, width]: phrases (few and repeated) from a cache, captions encoded each time. */
    private static NDArray embed(List<String> texts, PromptEncoder encoder, Map<String, float[]> cache,
            NDManager scratch) {
        List<String> missing = new ArrayList<>();
        for (int i = 1; i < texts.size(); i++) {
            if (!cache.containsKey(texts.get(i)) && !missing.contains(texts.get(i))) {
                missing.add(texts.get(i));
            }
        }
        List<String> encode = new ArrayList<>(missing);
        encode.add(0, texts.get(0));
        NDArray encoded = encoder.encode(encode, scratch);
        Shape each = encoded.get(0).getShape();
        for (int i = 0; i < missing.size(); i++) {
            cache.put(missing.get(i), encoded.get(i + 1).toFloatArray());
        }
        NDList rows = new NDList();
        rows.add(encoded.get("0:1"));
        for (int i = 1; i < texts.size(); i++) {
            rows.add(scratch.create(cache.get(texts.get(i)), each).expandDims(0).duplicate());
        }
        return NDArrays.concat(rows, 0);
    }
}
