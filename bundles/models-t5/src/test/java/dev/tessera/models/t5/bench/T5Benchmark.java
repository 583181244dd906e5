package dev.tessera.models.t5.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.Weights;
import dev.tessera.models.t5.T5Config;
import dev.tessera.models.t5.T5EncoderModel;
import java.util.HashMap;
import java.util.Map;

/**
 * T5 encoder forward time on random weights of real widths, float32 on this machine's CPU. Not a test: run it by
 * hand (docs/models-t5.md) and copy the figures. T5-XXL (FLUX's) needs 19 GB in float32, so its width is measured
 * with {@code layers} blocks (default 2) and the time per block reported; FLUX runs 24.
 *
 * <p>Arguments: {@code [tokens] [xxlLayers]}, default 512 (FLUX.1-dev's max_sequence_length) and 2.
 */
public final class T5Benchmark {

    private T5Benchmark() {
    }

    public static void main(String[] args) {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int xxlLayers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        T5Config base = new T5Config(32128, 768, 64, 2048, 12, 12, 32, 128, 1e-6f, "gelu_new", true);
        T5Config xxl = T5Config.v11Xxl();
        T5Config xxlSlice = new T5Config(1000, xxl.dModel(), xxl.dKv(), xxl.dFf(), xxlLayers, xxl.numHeads(),
                xxl.relativeAttentionNumBuckets(), xxl.relativeAttentionMaxDistance(), xxl.layerNormEpsilon(),
                xxl.denseActFn(), xxl.gatedAct());
        System.out.printf("T5 encoder, float32, CPU, %d threads, batch 1, %d tokens%n",
                Runtime.getRuntime().availableProcessors(), tokens);
        run("t5-v1_1-base width (768, 12 blocks)", base, tokens);
        run("t5-v1_1-xxl width (4096, " + xxlLayers + " blocks, vocab cut to 1000)", xxlSlice, tokens);
    }

    private static void run(String label, T5Config config, int tokens) {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            Map<String, NDArray> tensors = new HashMap<>();
            ParameterSpecs.of(w -> new T5EncoderModel(config, w, DataType.FLOAT32)).forEach((name, shape) ->
                    tensors.put(name, random(manager, shape)));
            Weights weights = (name, shape) -> tensors.get(name);
            T5EncoderModel model = new T5EncoderModel(config, weights, DataType.FLOAT32);
            NDArray ids = manager.randomInteger(0, config.vocabSize(), new Shape(1, tokens), DataType.INT64);
            NDArray mask = manager.ones(new Shape(1, tokens), DataType.INT64);
            model.forward(ids, mask).close();
            int runs = 3;
            long best = Long.MAX_VALUE;
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                model.forward(ids, mask).close();
                best = Math.min(best, System.nanoTime() - start);
            }
            double ms = best / 1e6;
            // Multiply-adds of one block: q, k, v, o, the two wi and wo, and the two attention matmuls.
            double blockFlops = 2.0 * tokens * (4.0 * config.dModel() * config.innerDim()
                    + 3.0 * config.dModel() * config.dFf() + 2.0 * tokens * config.innerDim());
            NDArray x = manager.randomNormal(new Shape(tokens, config.dModel()));
            NDArray w = manager.randomNormal(new Shape(config.dFf(), config.dModel()));
            x.matMul(w.transpose()).close();
            long matmul = Long.MAX_VALUE;
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                x.matMul(w.transpose()).close();
                matmul = Math.min(matmul, System.nanoTime() - start);
            }
            double matmulFlops = 2.0 * tokens * config.dModel() * config.dFf();
            System.out.printf("%-55s forward %8.1f ms, %7.1f ms per block (best of %d): %.1f GFLOP/s; a lone"
                    + " [%d,%d]x[%d,%d] matmul here: %.1f GFLOP/s%n", label, ms, ms / config.numLayers(), runs,
                    blockFlops * config.numLayers() / (best / 1e9) / 1e9, tokens, config.dModel(), config.dModel(),
                    config.dFf(), matmulFlops / (matmul / 1e9) / 1e9);
        }
    }

    private static NDArray random(NDManager manager, Shape shape) {
        NDArray values = manager.randomNormal(shape);
        return shape.dimension() == 1 ? values.mul(0.1f).add(1f) : values.div((float) Math.sqrt(shape.get(1)));
    }
}
