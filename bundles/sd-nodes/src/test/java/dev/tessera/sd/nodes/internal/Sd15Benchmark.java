package dev.tessera.sd.nodes.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.AutoencoderKL;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.sampling.ClassifierFreeGuidance;
import dev.tessera.sampling.ComfySchedules;
import dev.tessera.sampling.Denoiser;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.NoiseSource;
import dev.tessera.sampling.Prediction;
import dev.tessera.sampling.Sampler;
import dev.tessera.sampling.Samplers;
import dev.tessera.sampling.Schedule;
import dev.tessera.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * SD1.x text-to-image on this machine's CPU: per-step UNet time (batch 2 for CFG), tensor operations per step,
 * peak memory and the whole run (text encoder on 2 prompts, {@code steps} Euler steps, VAE decode). Not a test:
 * run it by hand (command in docs/benchmarks.md), one configuration per JVM so the peak resident memory is that
 * configuration's, and copy the figures.
 *
 * <p>Configurations: {@code tiny} is the conformance pack's checkpoint (read from the file); {@code mid} is the
 * SD1.5 topology at 128 base channels (UNet ~140M parameters) with the real CLIP-L text encoder and SD1.x VAE;
 * {@code sd15} is the real SD1.5 UNet (860M), CLIP-L and VAE. {@code mid} and {@code sd15} have random weights
 * (normal, std 0.02: timing does not depend on values). The prompts are fixed token ids (tokenizing is microseconds).
 *
 * <p>Operations are counted with libtorch's profiler over one guided UNet call: every top-level aten operation the
 * JNI launches (nested ones, such as the {@code aten::mm} inside {@code aten::matmul}, are not counted again).
 *
 * <p>Arguments: {@code <tiny|mid|sd15> [latent size, default 64] [steps, default 20 for tiny, 4 otherwise]
 * [float32|float16] [pack dir, default testdata/conformance]}.
 */
public final class Sd15Benchmark {

    private Sd15Benchmark() {}

    public static void main(String[] args) throws Exception {
        String config = args.length > 0 ? args[0] : "tiny";
        int latentSize = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : "tiny".equals(config) ? 20 : 4;
        DataType dtype = args.length > 3 && args[3].startsWith("float16") ? DataType.FLOAT16 : DataType.FLOAT32;
        Path pack = Path.of(args.length > 4 ? args[4] : "testdata/conformance");
        System.out.printf("config %s, latent %dx%d (image %dx%d), batch 1 with CFG (UNet batch 2), %d euler steps,"
                + " %s, CPU, %d threads%n", config, latentSize, latentSize, latentSize * 8, latentSize * 8, steps,
                dtype, Runtime.getRuntime().availableProcessors());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            long start = System.nanoTime();
            Pipeline pipeline = "tiny".equals(config) ? fromPack(pack, dtype, manager) : random(config, dtype, manager);
            System.out.printf("models ready in %.1f s: UNet %.1fM parameters, text encoder %.1fM, VAE %.1fM%n",
                    seconds(start), pipeline.unetParameters / 1e6, pipeline.textParameters / 1e6,
                    pipeline.vaeParameters / 1e6);
            run(pipeline, latentSize, steps, manager);
            countOperations(pipeline, latentSize, manager);
            if (pipeline.checkpoint != null) {
                pipeline.checkpoint.close();
            }
        }
        System.out.printf("peak resident memory of the process (VmHWM): %s%n", procStatus("VmHWM"));
    }

    /** The three models and how to build the prompt ids. */
    private record Pipeline(CLIPTextModel text, UNet2DConditionModel unet, AutoencoderKL vae, long unetParameters,
            long textParameters, long vaeParameters, StableDiffusionCheckpoint checkpoint) {}

    private static Pipeline fromPack(Path pack, DataType dtype, NDManager manager) {
        StableDiffusionCheckpoint checkpoint = StableDiffusionCheckpoint.open(
                pack.resolve("sd15/single-file/tiny-sd15.safetensors"), Device.cpu(), dtype, manager);
        return new Pipeline(checkpoint.textEncoder(), checkpoint.unet(), checkpoint.vae(),
                parameters(ParameterSpecs.of(w -> new UNet2DConditionModel(checkpoint.unetConfig(), w, dtype))),
                parameters(ParameterSpecs.of(w -> new CLIPTextModel(checkpoint.textEncoderConfig(), w, dtype))),
                parameters(ParameterSpecs.of(w -> new AutoencoderKL(checkpoint.vaeConfig(), w, dtype))), checkpoint);
    }

    private static Pipeline random(String name, DataType dtype, NDManager manager) {
        UNet2DConditionConfig sd15 = UNet2DConditionConfig.sd15();
        UNet2DConditionConfig unet = switch (name) {
            case "sd15" -> sd15;
            case "mid" -> new UNet2DConditionConfig(4, 4, List.of(128, 256, 512, 512), sd15.crossAttention(), 2,
                    sd15.numAttentionHeads(), sd15.transformerLayers(), 768, 32, 1e-5f, true, 0, false, 1, 1f, true);
            default -> throw new IllegalArgumentException("unknown configuration '" + name
                    + "'; expected tiny, mid or sd15");
        };
        CLIPTextConfig text = CLIPTextConfig.sd15();
        AutoencoderKLConfig vae = AutoencoderKLConfig.sd15();
        // Random weights on the manager: std 0.02 keeps activations finite through every layer.
        Weights weights = (parameter, shape) -> {
            NDArray w = manager.randomNormal(0f, 0.02f, shape, DataType.FLOAT32);
            if (dtype == DataType.FLOAT32) {
                return w;
            }
            NDArray converted = w.toType(dtype, false);
            w.close();
            return converted;
        };
        return new Pipeline(new CLIPTextModel(text, weights, dtype), new UNet2DConditionModel(unet, weights, dtype),
                new AutoencoderKL(vae, weights, dtype),
                parameters(ParameterSpecs.of(w -> new UNet2DConditionModel(unet, w, dtype))),
                parameters(ParameterSpecs.of(w -> new CLIPTextModel(text, w, dtype))),
                parameters(ParameterSpecs.of(w -> new AutoencoderKL(vae, w, dtype))), null);
    }

    private static void run(Pipeline p, int latentSize, int steps, NDManager manager) {
        CLIPTextConfig textConfig = p.text.config();
        // [uncond; cond] as diffusers batches them: start, a few words, end, padded with the end token.
        long[] ids = new long[2 * 77];
        long end = textConfig.vocabSize() - 1;
        Arrays.fill(ids, end);
        ids[0] = textConfig.vocabSize() - 2;
        ids[77] = textConfig.vocabSize() - 2;
        for (int i = 1; i <= 12; i++) {
            ids[77 + i] = 100 + 17L * i;
        }
        long t0 = System.nanoTime();
        NDArray context = TensorScope.keep(() -> p.text.forward(manager.create(ids, new Shape(2, 77)))
                .lastHiddenState());
        double encodeMs = millis(t0);

        NoiseSchedule training = NoiseSchedule.stableDiffusion();
        Schedule schedule = ComfySchedules.named("normal", training, steps);
        Sampler sampler = Samplers.named("euler", Prediction.EPSILON);
        Denoiser batched = (input, step) -> {
            NDArray t = input.getManager().create(new float[] {(float) step.timestep(), (float) step.timestep()});
            return p.unet.forward(input, t, context).toType(DataType.FLOAT32, false);
        };
        Denoiser guided = new ClassifierFreeGuidance(batched, 7.5);
        NoiseSource noise = NoiseSource.seeded(42);
        List<Double> stepMs = new ArrayList<>();
        long[] last = {0};
        long t1 = System.nanoTime();
        last[0] = t1;
        NDArray latent;
        try (NDManager run = manager.newSubManager()) {
            NDArray x = sampler.initialLatent(noise.next(run, new Shape(1, 4, latentSize, latentSize),
                    DataType.FLOAT32), schedule);
            NDArray out = sampler.sample(guided, x, schedule, noise, progress -> {
                long now = System.nanoTime();
                stepMs.add((now - last[0]) / 1e6);
                last[0] = now;
            });
            double sampleMs = millis(t1);
            long t2 = System.nanoTime();
            NDArray image = TensorScope.keep(() -> p.vae.decode(out.div(p.vae.scalingFactor()).toType(
                    p.unet.dataType(), false)).toType(DataType.FLOAT32, false));
            double decodeMs = millis(t2);
            latent = image;
            System.out.printf("text encoder, 2 prompts: %.0f ms%n", encodeMs);
            System.out.printf("UNet step (guided, batch 2, incl. sampler arithmetic): first %.0f ms, median of the"
                    + " others %.0f ms, min %.0f ms%n", stepMs.get(0), median(stepMs.subList(
                    Math.min(1, stepMs.size() - 1), stepMs.size())), stepMs.stream().mapToDouble(d -> d).min()
                    .orElse(0));
            System.out.printf("sampling, %d steps: %.0f ms%n", steps, sampleMs);
            System.out.printf("VAE decode to %s: %.0f ms%n", image.getShape(), decodeMs);
            System.out.printf("txt2img total (encode + sample + decode): %.1f s%n", (encodeMs + sampleMs + decodeMs)
                    / 1000);
            System.out.printf("image finite: %s%n", !image.isNaN().any().getBoolean()
                    && !image.isInfinite().any().getBoolean());
        }
        context.close();
    }

    /** One guided UNet call (batch 2) under libtorch's profiler; prints the top-level operation count. */
    private static void countOperations(Pipeline p, int latentSize, NDManager manager) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.randomNormal(new Shape(2, 4, latentSize, latentSize)).toType(p.unet.dataType(), false);
            NDArray t = m.create(new float[] {500f, 500f});
            long tokens = 77;
            NDArray ctx = m.randomNormal(new Shape(2, tokens, p.unet.config().crossAttentionDim()))
                    .toType(p.unet.dataType(), false);
            Path trace = Files.createTempFile("unet-trace", ".json");
            JniUtils.startProfile(false, false, false);
            try {
                TensorScope.keep(() -> p.unet.forward(x, t, ctx)).close();
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            Map<String, Integer> counts = topLevelOperations(trace);
            int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf("tensor operations per UNet call (top-level aten ops): %d%n", total);
            StringBuilder top = new StringBuilder();
            counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(12)
                    .forEach(e -> top.append(' ').append(e.getKey()).append('=').append(e.getValue()));
            System.out.println("  most frequent:" + top);
            Files.deleteIfExists(trace);
        }
    }

    /** Events of a Chrome trace not contained in another event of the same thread, by name. */
    static Map<String, Integer> topLevelOperations(Path trace) throws IOException {
        JsonElement root = JsonParser.parseString(Files.readString(trace));
        JsonArray events = root.isJsonArray() ? root.getAsJsonArray()
                : root.getAsJsonObject().getAsJsonArray("traceEvents");
        Map<String, List<double[]>> byThread = new java.util.HashMap<>();
        List<String> names = new ArrayList<>();
        for (JsonElement e : events) {
            JsonObject o = e.getAsJsonObject();
            if (!o.has("dur") || !o.has("ts") || !"X".equals(o.has("ph") ? o.get("ph").getAsString() : "X")) {
                continue;
            }
            String tid = o.has("tid") ? o.get("tid").getAsString() : "";
            names.add(o.get("name").getAsString());
            byThread.computeIfAbsent(tid, k -> new ArrayList<>()).add(new double[] {o.get("ts").getAsDouble(),
                    o.get("dur").getAsDouble(), names.size() - 1});
        }
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (List<double[]> list : byThread.values()) {
            // Longest first at equal start, so a parent precedes the child that starts with it.
            list.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
            double openUntil = Double.NEGATIVE_INFINITY;
            for (double[] ev : list) {
                if (ev[0] >= openUntil) {
                    counts.merge(names.get((int) ev[2]), 1, Integer::sum);
                    openUntil = ev[0] + ev[1];
                }
            }
        }
        return counts;
    }

    private static long parameters(Map<String, Shape> specs) {
        return specs.values().stream().mapToLong(Shape::size).sum();
    }

    private static String procStatus(String field) throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return "(no /proc/self/status on this system)";
        }
        return Files.readAllLines(status).stream().filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(field.length() + 1).trim()).findFirst().orElse("?");
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double millis(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
