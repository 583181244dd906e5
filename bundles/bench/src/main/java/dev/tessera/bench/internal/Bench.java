package dev.tessera.bench.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.layout.Box;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.miglora.Fusion;
import dev.tessera.miglora.InstanceEmbeddings;
import dev.tessera.miglora.MaskEncoder;
import dev.tessera.miglora.MigHook;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.ForwardHook;
import dev.tessera.model.api.HookContext;
import dev.tessera.model.api.RunCache;
import dev.tessera.models.dit.FluxInput;
import dev.tessera.models.dit.FluxTransformer2DModel;
import dev.tessera.models.dit.FluxTransformerConfig;
import dev.tessera.models.dit.Sd3Input;
import dev.tessera.models.dit.Sd3Transformer2DModel;
import dev.tessera.models.dit.Sd3TransformerConfig;
import dev.tessera.models.dit.MaskedAttention;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import dev.tessera.models.dit.loading.Sd3Checkpoint;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.sampling.ModelStep;
import dev.tessera.models.sd.HookedUNet;
import dev.tessera.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One model call of a real topology, timed and profiled on a device: what {@code tessera bench} measures. The
 * model is built once (random weights, normal with std 0.02, or a checkpoint file), its inputs once; then
 * {@code warmup} calls, {@code steps} timed calls (each ends by reading one value back, so a GPU's queue is drained
 * inside the timing), and one more call under libtorch's profiler for the operations it launches.
 */
final class Bench {

    /** What to run. {@code size} is the image side in pixels (latents are size / 8). */
    record Settings(String model, Device device, DataType dtype, int batch, int size, int steps, int warmup,
                    Path checkpoint, int instances, boolean narrow) {

        Settings(String model, Device device, DataType dtype, int batch, int size, int steps, int warmup,
                 Path checkpoint, int instances) {
            this(model, device, dtype, batch, size, steps, warmup, checkpoint, instances, false);
        }
    }

    /** Channels per head of a {@code --narrow} transformer. */
    static final int NARROW_HEAD_DIM = 8;

    /**
     * {@code config} with heads of {@link #NARROW_HEAD_DIM} channels (hidden width heads x 8) and everything else
     * kept: depth, heads, token counts and so the attention's score sizes, which decide what a call launches. The
     * widths do not: a narrow model launches exactly the real one's operations in a few hundred MB (FLUX.1-dev's
     * float32 weights are 48 GB). Its times are not the real model's.
     */
    static FluxTransformerConfig narrow(FluxTransformerConfig config) {
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < config.positionAxes(); i++) {
            axes.add(2);
        }
        axes.set(axes.size() - 1, NARROW_HEAD_DIM - 2 * (axes.size() - 1));
        return new FluxTransformerConfig(config.inChannels(), config.outChannels(), config.numLayers(),
                config.numSingleLayers(), NARROW_HEAD_DIM, config.numAttentionHeads(), config.jointAttentionDim(),
                config.pooledProjectionDim(), config.guidanceEmbeds(), axes, config.ropeTheta(), config.mlpRatio());
    }

    /** {@link #narrow(FluxTransformerConfig)} for an MMDiT. */
    static Sd3TransformerConfig narrow(Sd3TransformerConfig config) {
        return narrow(config, NARROW_HEAD_DIM);
    }

    /** {@code config} with heads of {@code headDim} channels. */
    static Sd3TransformerConfig narrow(Sd3TransformerConfig config, int headDim) {
        return new Sd3TransformerConfig(config.patchSize(), config.inChannels(), config.outChannels(),
                config.numLayers(), headDim, config.numAttentionHeads(), config.jointAttentionDim(),
                headDim * config.numAttentionHeads(), config.pooledProjectionDim(), config.posEmbedMaxSize(),
                config.qkNorm(), config.dualAttentionLayers());
    }

    /** What one bench measured. */
    record Result(Settings settings, String description, List<Double> stepMillis, OperationProfile profile,
                  long peakResidentBytes, OperationProfile baseline) {

        double median() {
            return Bench.median(stepMillis);
        }

        double min() {
            return stepMillis.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        double max() {
            return stepMillis.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        /** The allocator's peak during the profiled call when libtorch reported it, else the process's peak RSS. */
        long peakMemoryBytes() {
            return profile.peakAllocatedBytes() > 0 ? profile.peakAllocatedBytes() : peakResidentBytes;
        }

        String peakMemorySource() {
            return profile.peakAllocatedBytes() > 0 ? "libtorch allocator, profiled call"
                    : "process peak resident (VmHWM)";
        }
    }

    static final List<String> MODELS = List.of("sd15", "sdxl", "flux", "sd3", "mig", "attention", "llm");

    /** The median of {@code values} (the mean of the middle two for an even count). */
    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private Bench() {
    }

    /** A model call ready to repeat: {@code call} returns its output (closed by the caller's scope). */
    private record Prepared(String description, Supplier<NDArray> call, AutoCloseable resources,
                            Supplier<NDArray> baseline) {
        Prepared(String description, Supplier<NDArray> call, AutoCloseable resources) {
            this(description, call, resources, null);
        }
    }

    static Result run(Settings s, NDManager manager) throws Exception {
        Prepared prepared = switch (s.model()) {
            case "sd15" -> sd15(s, manager);
            case "sdxl" -> sdxl(s, manager);
            case "flux" -> flux(s, manager);
            case "sd3" -> sd3(s, manager);
            case "mig" -> mig(s, manager);
            case "attention" -> attention(s, manager);
            // A generation, not one model call: LlmBench measures prefill, decode and the constraint.
            case "llm" -> throw new IllegalArgumentException("the llm bench runs through LlmBench");
            default -> throw new IllegalArgumentException("unknown model '" + s.model() + "'; expected one of "
                    + MODELS);
        };
        try {
            for (int i = 0; i < s.warmup(); i++) {
                once(prepared);
            }
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < s.steps(); i++) {
                long t0 = System.nanoTime();
                once(prepared);
                millis.add((System.nanoTime() - t0) / 1e6);
            }
            OperationProfile profile = OperationProfile.of(() -> TensorScope.keep(prepared.call()::get).close());
            OperationProfile baseline = prepared.baseline() == null ? null
                    : OperationProfile.of(() -> TensorScope.keep(prepared.baseline()::get).close());
            return new Result(s, prepared.description(), millis, profile, peakResident(), baseline);
        } finally {
            if (prepared.resources() != null) prepared.resources().close();
        }
    }

    /** One call; reading one value back waits for the device to finish it. */
    private static void once(Prepared prepared) {
        try (NDArray out = TensorScope.keep(prepared.call()::get)) {
            out.flatten().get(0).toType(DataType.FLOAT32, false).getFloat();
        }
    }

    /** Normal(0, 0.02) on the manager's device, in {@code dtype} (drawn in float32: not every device draws float16). */
    static Weights randomWeights(NDManager manager, DataType dtype) {
        return (name, shape) -> {
            NDArray w = manager.randomNormal(0f, 0.02f, shape, DataType.FLOAT32);
            if (dtype == DataType.FLOAT32) return w;
            NDArray converted = w.toType(dtype, false);
            w.close();
            return converted;
        };
    }

    private static NDArray normal(NDManager m, Shape shape, DataType dtype) {
        NDArray x = m.randomNormal(0f, 1f, shape, DataType.FLOAT32);
        return dtype == DataType.FLOAT32 ? x : x.toType(dtype, false);
    }

    /** A bench's model, the checkpoint to close after (null for random weights), and its weights named. */
    private record Loaded<M>(M model, AutoCloseable resources, String weights) {
    }

    /**
     * The model of the {@code --checkpoint} file opened by {@code open} ({@code model} takes it from the checkpoint
     * and may refuse it; the checkpoint is closed then), else {@code random}'s model with random weights.
     */
    private static <K extends AutoCloseable, M> Loaded<M> checkpointOrRandom(Settings s, Function<Path, K> open,
            Function<K, M> model, Supplier<M> random) {
        if (s.checkpoint() == null) {
            return new Loaded<>(random.get(), null, "random weights");
        }
        K checkpoint = open.apply(s.checkpoint());
        try {
            return new Loaded<>(model.apply(checkpoint), checkpoint, "weights of " + s.checkpoint().getFileName());
        } catch (RuntimeException e) {
            try {
                checkpoint.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private static Loaded<UNet2DConditionModel> unet(Settings s, NDManager manager) {
        return unet(s, manager, UNet2DConditionConfig.sd15());
    }

    /** The checkpoint's UNet, else one of {@code topology} with random weights. */
    private static Loaded<UNet2DConditionModel> unet(Settings s, NDManager manager,
            UNet2DConditionConfig topology) {
        return checkpointOrRandom(s, path -> StableDiffusionCheckpoint.open(path, s.device(), s.dtype(), manager),
                checkpoint -> {
                    if (checkpoint.unet().config().addedConditioning() != topology.addedConditioning()) {
                        throw new IllegalArgumentException(s.checkpoint() + " is "
                                + checkpoint.family().description() + ", not the " + s.model() + " bench's family");
                    }
                    return checkpoint.unet();
                }, () -> new UNet2DConditionModel(topology, randomWeights(manager, s.dtype()), s.dtype()));
    }

    /**
     * The SDXL base UNet, batch {@code batch} (2 = one image with CFG), 77 tokens of both encoders, at timestep 500,
     * with the added conditioning (random pooled text, time ids of the size) computed once outside the call.
     */
    private static Prepared sdxl(Settings s, NDManager manager) {
        Loaded<UNet2DConditionModel> u = unet(s, manager, UNet2DConditionConfig.sdxl());
        UNet2DConditionModel unet = u.model();
        int latent = s.size() / 8;
        NDArray x = normal(manager, new Shape(s.batch(), unet.config().inChannels(), latent, latent), s.dtype());
        NDArray timesteps = perRow(manager, s.batch(), 500f);
        NDArray context = normal(manager, new Shape(s.batch(), 77, unet.config().crossAttentionDim()), s.dtype());
        float[] ids = new float[s.batch() * 6];
        for (int r = 0; r < s.batch(); r++) {
            float[] row = {s.size(), s.size(), 0, 0, s.size(), s.size()};
            System.arraycopy(row, 0, ids, r * 6, 6);
        }
        NDArray added = unet.addedConditioning(normal(manager, new Shape(s.batch(),
                unet.config().addedTextEmbedDim()), DataType.FLOAT32), manager.create(ids, new Shape(s.batch(), 6)));
        String description = String.format(Locale.ROOT, "SDXL UNet (%s), latents %dx%d (%d px), batch %d, 77 tokens",
                u.weights(), latent, latent, s.size(), s.batch());
        return new Prepared(description, () -> unet.forward(x, timesteps, context, added), u.resources());
    }

    /** {@code value} for each of {@code batch} rows: a timestep, sigma or guidance per batch entry. */
    private static NDArray perRow(NDManager manager, int batch, float value) {
        float[] values = new float[batch];
        Arrays.fill(values, value);
        return manager.create(values);
    }

    /** The SD1.5 UNet, batch {@code batch} (2 = one image with CFG), 77 text tokens, at timestep 500. */
    private static Prepared sd15(Settings s, NDManager manager) {
        Loaded<UNet2DConditionModel> u = unet(s, manager);
        UNet2DConditionModel unet = u.model();
        AutoCloseable resources = u.resources();
        String weights = u.weights();
        int latent = s.size() / 8;
        NDArray x = normal(manager, new Shape(s.batch(), unet.config().inChannels(), latent, latent), s.dtype());
        NDArray timesteps = perRow(manager, s.batch(), 500f);
        NDArray context = normal(manager, new Shape(s.batch(), 77, unet.config().crossAttentionDim()), s.dtype());
        String description = String.format(Locale.ROOT, "SD1.5 UNet (%s), latents %dx%d (%d px), batch %d, 77 tokens",
                weights, latent, latent, s.size(), s.batch());
        return new Prepared(description, () -> unet.forward(x, timesteps, context), resources);
    }

    /** The FLUX.1-dev transformer, 512 text tokens, guidance 3.5, sigma 0.5. */
    private static Prepared flux(Settings s, NDManager manager) {
        FluxTransformerConfig real = FluxTransformerConfig.flux1Dev();
        Loaded<FluxTransformer2DModel> loaded = checkpointOrRandom(s,
                path -> FluxCheckpoint.open(path, null, s.dtype(), manager), FluxCheckpoint::transformer,
                () -> new FluxTransformer2DModel(s.narrow() ? narrow(real) : real, randomWeights(manager, s.dtype()),
                        s.dtype()));
        FluxTransformer2DModel model = loaded.model();
        AutoCloseable resources = loaded.resources();
        String weights = loaded.weights() + (s.narrow() ? ", narrow: heads of " + NARROW_HEAD_DIM : "");
        FluxTransformerConfig config = model.config();
        int side = s.size() / 16; // latents are size / 8, packed 2x2 into tokens
        int tokens = side * side;
        FluxInput input = fluxInput(config, manager, s.batch(), s.size(), s.dtype());
        String description = String.format(Locale.ROOT, "FLUX transformer (%s, %d double + %d single blocks, %d heads),"
                + " %d image tokens (%d px), %d text tokens, batch %d", weights, config.numLayers(),
                config.numSingleLayers(), config.numAttentionHeads(), tokens, s.size(), FLUX_TEXT_TOKENS, s.batch());
        return new Prepared(description, () -> model.forward(input), resources);
    }

    /** FLUX's text tokens in the bench (the T5 sequence length FLUX.1-dev is used with). */
    static final int FLUX_TEXT_TOKENS = 512;

    /** A FLUX call's inputs: {@code size/16} squared image tokens, 512 text tokens, guidance 3.5, sigma 0.5. */
    static FluxInput fluxInput(FluxTransformerConfig config, NDManager manager, int batch, int size, DataType dtype) {
        int side = size / 16;
        int tokens = side * side;
        int text = FLUX_TEXT_TOKENS;
        NDArray hidden = normal(manager, new Shape(batch, tokens, config.inChannels()), dtype);
        NDArray textStates = normal(manager, new Shape(batch, text, config.jointAttentionDim()), dtype);
        NDArray pooled = normal(manager, new Shape(batch, config.pooledProjectionDim()), dtype);
        float[] ids = new float[tokens * 3];
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                ids[(r * side + c) * 3 + 1] = r;
                ids[(r * side + c) * 3 + 2] = c;
            }
        }
        NDArray imgIds = manager.create(ids, new Shape(tokens, 3));
        NDArray txtIds = manager.zeros(new Shape(text, 3));
        NDArray sigma = perRow(manager, batch, 0.5f);
        NDArray guidance = perRow(manager, batch, 3.5f);
        return new FluxInput(hidden, textStates, pooled, sigma, imgIds, txtIds, guidance);
    }

    /**
     * The SD3-medium MMDiT (24 joint blocks, 24 heads of 64; 2B parameters), {@code size/8} squared 16-channel latents
     * patched 2x2, {@value #SD3_TEXT_TOKENS} text tokens (ComfyUI's SD3 text: 77 CLIP-L/G tokens, then at least 77 T5
     * tokens), timestep 500.
     */
    private static Prepared sd3(Settings s, NDManager manager) {
        Loaded<Sd3Transformer2DModel> loaded = checkpointOrRandom(s,
                path -> Sd3Checkpoint.open(path, null, s.dtype(), manager), Sd3Checkpoint::transformer,
                () -> new Sd3Transformer2DModel(s.narrow() ? narrow(Sd3TransformerConfig.sd3Medium())
                        : Sd3TransformerConfig.sd3Medium(), randomWeights(manager, s.dtype()), s.dtype()));
        Sd3Transformer2DModel model = loaded.model();
        AutoCloseable resources = loaded.resources();
        String weights = loaded.weights() + (s.narrow() ? ", narrow: heads of " + NARROW_HEAD_DIM : "");
        Sd3TransformerConfig config = model.config();
        int latent = s.size() / 8;
        Sd3Input input = sd3Input(config, manager, s.batch(), s.size(), s.dtype());
        int tokens = (latent / config.patchSize()) * (latent / config.patchSize());
        String description = String.format(Locale.ROOT, "SD3 MMDiT (%s, %d joint blocks, %d heads of %d), %d image"
                + " tokens (%d px), %d text tokens, batch %d", weights, config.numLayers(), config.numAttentionHeads(),
                config.attentionHeadDim(), tokens, s.size(), SD3_TEXT_TOKENS, s.batch());
        return new Prepared(description, () -> model.forward(input), resources);
    }

    /** An SD3 call's inputs: {@code size/8} squared latents, {@value #SD3_TEXT_TOKENS} text tokens, timestep 500. */
    static Sd3Input sd3Input(Sd3TransformerConfig config, NDManager manager, int batch, int size, DataType dtype) {
        int latent = size / 8;
        NDArray x = normal(manager, new Shape(batch, config.inChannels(), latent, latent), dtype);
        NDArray text = normal(manager, new Shape(batch, SD3_TEXT_TOKENS, config.jointAttentionDim()), dtype);
        NDArray pooled = normal(manager, new Shape(batch, config.pooledProjectionDim()), dtype);
        return new Sd3Input(x, text, pooled, perRow(manager, batch, 500f));
    }

    /** ComfyUI's SD3 conditioning for a short prompt: 77 CLIP tokens, then T5's 77 (its minimum length). */
    static final int SD3_TEXT_TOKENS = 154;

    /**
     * One MIGLoRA step as the sampler makes it: the SD1.5 UNet through {@code HookedUNet} with a {@code MigHook}
     * (mask fusion, beta 1) over {@code instances} instances counting the global caption, on a CFG batch of 2
     * (unconditional + conditional row), 77 tokens. The mask encoder is the released variant (widths 16, 32, 96,
     * 256 to the UNet's first width) with random weights; the instance embeddings are random. The plain UNet call on
     * the same inputs is profiled too, for the ratio of launches.
     */
    private static Prepared mig(Settings s, NDManager manager) {
        Loaded<UNet2DConditionModel> u = unet(s, manager);
        UNet2DConditionModel unet = u.model();
        int width = unet.config().crossAttentionDim();
        int tokens = 77;
        List<Instance> instances = new ArrayList<>();
        for (int i = 1; i < s.instances(); i++) {
            double x = (i % 4) * 0.25;
            double y = ((i / 4) % 4) * 0.25;
            instances.add(Instance.of("object " + i, new Box(x, y, Math.min(1, x + 0.3), Math.min(1, y + 0.3))));
        }
        Layout layout = Layout.of("a scene", instances);
        MaskEncoder encoder = MaskEncoder.released(3, List.of(16, 32, 96, 256),
                unet.config().blockOutChannels().get(0), randomWeights(manager, s.dtype()), "bench");
        NDArray embeddings = normal(manager, new Shape(s.instances(), tokens, width), s.dtype());
        MigHook hook = new MigHook(encoder, layout, InstanceEmbeddings.of(embeddings), Fusion.MASK, 1);
        int latent = s.size() / 8;
        NDArray x = normal(manager, new Shape(2, unet.config().inChannels(), latent, latent), s.dtype());
        NDArray t = manager.create(new float[] {500f, 500f});
        NDArray context = normal(manager, new Shape(2, tokens, width), s.dtype());
        Conditioning.Entry entry = new Conditioning.Entry(manager.zeros(new Shape(1, tokens, width), s.dtype()),
                null, java.util.Map.of());
        // The sampler's bound model keeps a run cache: the mask embedding is made at the first call (the warm-up)
        // and reused, so the profiled call is a later step's.
        RunCache run = new RunCache(manager);
        HookContext where = new HookContext(new ModelStep(0, 10, 500, 1), List.of(
                new HookContext.BatchPart(0, 1, true, entry), new HookContext.BatchPart(1, 1, false, entry)), run);
        List<ForwardHook> hooks = List.of(hook);
        String description = String.format(Locale.ROOT, "MIGLoRA step: SD1.5 UNet (%s) with the MIG hook, %d"
                + " instances (global caption counted), mask fusion, latents %dx%d (%d px), CFG batch 2", u.weights(),
                s.instances(), latent, latent, s.size());
        AutoCloseable checkpoint = u.resources();
        AutoCloseable resources = () -> {
            run.close();
            if (checkpoint != null) checkpoint.close();
        };
        return new Prepared(description, () -> HookedUNet.forward(unet, hooks, x, t, context, where), resources,
                () -> HookedUNet.forward(unet, List.of(), x, t, context, where));
    }

    /** SD1.5's largest self-attention: (size / 8)^2 tokens, 8 heads of 40 channels (the UNet's first level). */
    private static Prepared attention(Settings s, NDManager manager) {
        int tokens = (s.size() / 8) * (s.size() / 8);
        Shape shape = new Shape(s.batch(), 8, tokens, 40);
        NDArray q = normal(manager, shape, s.dtype());
        NDArray k = normal(manager, shape, s.dtype());
        NDArray v = normal(manager, shape, s.dtype());
        String description = String.format(Locale.ROOT, "attention, q k v %s (SD1.5 level 0 at %d px)", shape, s.size());
        return new Prepared(description, () -> MaskedAttention.dense(q, k, v, null), null);
    }

    /** Peak resident memory of this process (Linux VmHWM), or -1 where /proc is not there. */
    static long peakResident() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
