package dev.tessera.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Merge versus runtime low-rank add, on the real SD1.5 UNet shapes (not the pack's tiny ones), float32 on this
 * machine's CPU. Not a test: run it by hand (see docs/lora.md) and copy the figures.
 *
 * <ul>
 *   <li>merge: {@link LoraMerge#apply} of a kohya file covering every transformer linear (attn1/attn2 q, k, v, out,
 *       ff in/out, proj_in/out: 192 modules), from the file on disk to the patched copies; once per LoRA change.
 *   <li>runtime add: the work a hook in every patched linear would add to each UNet call at 512x512 with CFG
 *       (batch 2): {@code y += scale * (x @ downᵀ) @ upᵀ}, 3 launches per module; measured as those ops on inputs
 *       of the real token counts, next to the base linears' own {@code x @ Wᵀ} for scale.
 * </ul>
 */
public final class LoraBenchmark {

    private static final Pattern LEVEL = Pattern.compile("^(down_blocks|up_blocks|mid_block)\\.?(\\d*)");
    private static final int LATENT = 64;
    private static final int BATCH = 2;
    private static final int CONTEXT_TOKENS = 77;

    private LoraBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int[] ranks = args.length > 0 ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] {8, 32, 128};
        UNet2DConditionConfig config = UNet2DConditionConfig.sd15();
        Map<String, Shape> targets = transformerLinears(
                ParameterSpecs.of(w -> new UNet2DConditionModel(config, w, DataType.FLOAT32)));
        System.out.printf("SD1.5 UNet, %d LoRA modules (every transformer linear), float32, CPU, %d threads%n",
                targets.size(), Runtime.getRuntime().availableProcessors());
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> baseTensors = new LinkedHashMap<>();
            long touchedBytes = 0;
            for (Map.Entry<String, Shape> t : targets.entrySet()) {
                baseTensors.put(t.getKey(), manager.randomNormal(0, 0.02f, t.getValue(), DataType.FLOAT32));
                touchedBytes += t.getValue().size() * 4;
            }
            Weights base = (name, shape) -> baseTensors.get(name);
            System.out.printf("touched parameters: %.1f MiB (the merged copies' memory)%n", touchedBytes / 1048576.0);
            for (int rank : ranks) {
                benchmark(manager, config, base, targets, rank);
            }
        }
    }

    private static void benchmark(NDManager manager, UNet2DConditionConfig config, Weights base,
            Map<String, Shape> targets, int rank) throws Exception {
        Path file = Files.createTempFile("bench-lora-r" + rank, ".safetensors");
        long bytes = 0;
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, Shape> t : targets.entrySet()) {
                String key = "lora_unet_" + t.getKey().replace(".weight", "").replace('.', '_');
                Shape shape = t.getValue();
                boolean conv = shape.dimension() == 4; // SD1.x proj_in/proj_out: 1x1 convolutions
                Shape down = conv ? new Shape(rank, shape.get(1), shape.get(2), shape.get(3))
                        : new Shape(rank, shape.get(1));
                Shape up = conv ? new Shape(shape.get(0), rank, 1, 1) : new Shape(shape.get(0), rank);
                tensors.put(key + ".lora_down.weight", scratch.randomNormal(down));
                tensors.put(key + ".lora_up.weight", scratch.randomNormal(up));
                tensors.put(key + ".alpha", scratch.create((float) rank));
                bytes += (down.size() + up.size()) * 4;
            }
            SafetensorsWriter.write(file, tensors, Map.of());
            System.out.printf("%nrank %d: LoRA file %.1f MiB%n", rank, bytes / 1048576.0);
        }
        LoraMapping unet = LoraMapping.forSd15Unet(config);
        try (LoraFile lora = LoraFile.open(file, manager)) {
            LoraPatch patch = LoraMatch.of(lora, List.of(unet)).requireFits().patch(unet, 0.8);
            Runnable merge = () -> {
                try (LoraMerge m = LoraMerge.apply(base, List.of(patch), manager)) {
                    m.replacedParameters();
                }
            };
            try (RuntimeAdd runtime = new RuntimeAdd(manager, patch, rank)) {
                // Interleaved, best of 5 each: the machine is shared, so the three see the same conditions.
                double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
                Runnable[] work = {merge, runtime::loraStep, runtime::baseStep};
                for (Runnable w : work) {
                    w.run(); // warm-up
                }
                for (int i = 0; i < 5; i++) {
                    for (int k = 0; k < work.length; k++) {
                        long start = System.nanoTime();
                        work[k].run();
                        best[k] = Math.min(best[k], (System.nanoTime() - start) / 1e6);
                    }
                }
                System.out.printf("merge (read factors, up@down, add, once per LoRA change): %8.1f ms%n", best[0]);
                System.out.printf("runtime add per UNet call (512x512, batch %d):            %8.1f ms%n", BATCH,
                        best[1]);
                System.out.printf("  base linears of the same modules per call, for scale:   %8.1f ms (+%.0f%%)%n",
                        best[2], 100 * best[1] / best[2]);
                System.out.printf("break-even: merging costs as much as %.2f UNet calls of runtime add"
                        + " (a 20-step CFG run makes 20 calls)%n", best[0] / best[1]);
                System.out.printf("per step after setup: merged +0.0 ms (the base's own linears), runtime add +%.1f ms%n",
                        best[1]);
                System.out.printf("memory held: merged copies %.1f MiB (factors freed after the merge);"
                        + " runtime add: factors %.1f MiB + per-call temporaries up to %.1f MiB%n",
                        runtime.touchedBytes() / 1048576.0, bytes / 1048576.0, runtime.peakTemporaryBytes() / 1048576.0);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Inputs of the real token counts for every patched linear: {@link #loraStep} is what a runtime hook would add
     * per UNet call ({@code y + s * (x @ downᵀ) @ upᵀ}), {@link #baseStep} the linears themselves ({@code x @ Wᵀ}).
     */
    private static final class RuntimeAdd implements AutoCloseable {
        private record Op(NDArray x, NDArray w, NDArray down, NDArray up, NDArray y) {
        }

        private final NDManager scratch;
        private final List<Op> ops = new java.util.ArrayList<>();
        private long touchedBytes;
        private long peakTemporaryBytes;

        RuntimeAdd(NDManager manager, LoraPatch patch, int rank) {
            scratch = manager.newSubManager();
            for (LoraMatch.Matched m : patch.modules()) {
                LoraTarget t = m.targets().targets().get(0);
                long tokens = tokens(t.parameter()) * BATCH;
                long in = t.shape().get(1);
                long out = t.shape().get(0);
                NDArray x = scratch.randomNormal(new Shape(tokens, in));
                NDArray w = scratch.randomNormal(new Shape(out, in)).transpose().duplicate();
                ops.add(new Op(x, w, scratch.randomNormal(new Shape(in, rank)),
                        scratch.randomNormal(new Shape(rank, out)), x.matMul(w)));
                touchedBytes += in * out * 4;
                // x @ down, its product with up, and the sum: the live temporaries of one module's add
                peakTemporaryBytes = Math.max(peakTemporaryBytes, (tokens * rank + 2 * tokens * out) * 4);
            }
        }

        long touchedBytes() {
            return touchedBytes;
        }

        long peakTemporaryBytes() {
            return peakTemporaryBytes;
        }

        void loraStep() {
            try (NDManager step = scratch.newSubManager()) {
                for (Op op : ops) {
                    NDArray low = op.x().matMul(op.down());
                    low.attach(step);
                    NDArray delta = low.matMul(op.up()).muli(0.8f);
                    delta.attach(step);
                    op.y().add(delta).attach(step);
                }
            }
        }

        void baseStep() {
            try (NDManager step = scratch.newSubManager()) {
                for (Op op : ops) {
                    op.x().matMul(op.w()).attach(step);
                }
            }
        }

        @Override
        public void close() {
            scratch.close();
        }
    }

    /** Tokens a module at {@code parameter} sees per sample: the latent grid of its level, or the text for k/v. */
    private static long tokens(String parameter) {
        if (parameter.contains("attn2.to_k") || parameter.contains("attn2.to_v")) {
            return CONTEXT_TOKENS;
        }
        Matcher m = LEVEL.matcher(parameter);
        m.find();
        int level = switch (m.group(1)) {
            case "down_blocks" -> Integer.parseInt(m.group(2));
            case "up_blocks" -> 3 - Integer.parseInt(m.group(2));
            default -> 3;
        };
        long side = LATENT >> level;
        return side * side;
    }

    /** Every weight inside a Transformer2DModel that is a linear or 1x1 conv: what a full kohya LoRA trains. */
    private static Map<String, Shape> transformerLinears(Map<String, Shape> parameters) {
        Map<String, Shape> targets = new LinkedHashMap<>();
        parameters.forEach((name, shape) -> {
            boolean inTransformer = name.contains(".attentions.") && (name.contains(".transformer_blocks.")
                    || name.contains(".proj_in.") || name.contains(".proj_out."));
            if (inTransformer && name.endsWith(".weight") && shape.dimension() >= 2) {
                targets.put(name, shape);
            }
        });
        return targets;
    }

}
