package dev.tessera.models.llm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.llm.CausalLM;
import dev.tessera.models.llm.Generation;
import dev.tessera.models.llm.GenerationOptions;
import dev.tessera.models.llm.KvCache;
import dev.tessera.models.llm.LlmConfig;
import dev.tessera.models.llm.SamplingOptions;
import dev.tessera.models.llm.TextGenerator;
import dev.tessera.models.llm.grammar.GrammarConstraint;
import dev.tessera.models.llm.grammar.GrammarCostTest;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.Weights;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Prefill and decode speed of a decoder at Qwen2.5-0.5B's real topology (24 layers, width 896, 14 query and 2
 * key/value heads, vocabulary 151,936, tied embeddings) with random weights, on this machine's CPU, and the layout
 * constraint's cost per token inside a real constrained generation. Not a test: run it by hand
 * (docs/benchmarks.md) and copy the figures.
 *
 * <p>Arguments: {@code [float32|float16] [promptTokens] [newTokens] [layers]}, default float32, 128, 32, 24.
 */
public final class LlmBenchmark {

    private LlmBenchmark() {}

    public static void main(String[] args) {
        DataType dtype = args.length > 0 && args[0].equals("float16") ? DataType.FLOAT16 : DataType.FLOAT32;
        int promptTokens = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int newTokens = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        LlmConfig full = LlmConfig.qwen25HalfB();
        int layers = args.length > 3 ? Integer.parseInt(args[3]) : full.numLayers();
        LlmConfig config = new LlmConfig(full.architecture(), full.vocabSize(), full.hiddenSize(),
                full.intermediateSize(), layers, full.numHeads(), full.numKeyValueHeads(), full.headDim(),
                full.rmsNormEps(), full.ropeTheta(), full.ropeScaling(), full.attentionBias(), full.mlpBias(),
                full.tieWordEmbeddings(), full.maxPositionEmbeddings());
        System.out.printf("Qwen2.5-0.5B topology (%d layers), random weights, %s, CPU, %d threads, prompt %d tokens,"
                + " %d new tokens%n", layers, dtype, Runtime.getRuntime().availableProcessors(), promptTokens,
                newTokens);
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            Map<String, NDArray> tensors = new HashMap<>();
            ParameterSpecs.of(w -> new CausalLM(config, w, dtype)).forEach((name, shape) -> tensors.put(name,
                    manager.randomNormal(0, 0.02f, shape, DataType.FLOAT32).toType(dtype, false)));
            Weights weights = (name, shape) -> tensors.get(name);
            CausalLM model = new CausalLM(config, weights, dtype);
            Random random = new Random(1);
            long[] prompt = new long[promptTokens];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = random.nextInt(config.vocabSize());
            }
            for (int run = 0; run < 2; run++) { // the first run warms libtorch up
                try (NDManager step = manager.newSubManager(); KvCache cache = model.newCache(step)) {
                    long start = System.nanoTime();
                    model.forward(step.create(prompt, new Shape(1, promptTokens)), cache).close();
                    double prefill = (System.nanoTime() - start) / 1e9;
                    start = System.nanoTime();
                    for (int t = 0; t < newTokens; t++) {
                        try (NDManager one = step.newSubManager()) {
                            NDArray logits = model.forward(one.create(new long[] {random.nextInt(1000)},
                                    new Shape(1, 1)), cache);
                            logits.toFloatArray();
                        }
                    }
                    double decode = (System.nanoTime() - start) / 1e9;
                    if (run == 1) {
                        System.out.printf("prefill: %.2f s, %.1f tokens/s; decode with the KV cache: %.1f ms/token,"
                                + " %.2f tokens/s%n", prefill, promptTokens / prefill, decode * 1000 / newTokens,
                                newTokens / decode);
                    }
                }
            }
            GrammarConstraint.Vocabulary vocabulary = new GrammarConstraint.Vocabulary(
                    GrammarCostTest.syntheticVocabulary(151_643, 1));
            for (int run = 0; run < 2; run++) {
                GrammarConstraint constraint = GrammarConstraint.forGeneration(vocabulary, 4);
                long start = System.nanoTime();
                Generation g = new TextGenerator(model).generate(manager, prompt, new GenerationOptions(newTokens,
                        SamplingOptions.sampled(1.0, run), List.of(), Set.of(), true), null, constraint, null);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("constrained generation %d: %d tokens in %.2f s (prefill included), constraint"
                        + " %.2f ms/token (synthetic 151,643-token vocabulary)%n", run + 1, g.tokens().length,
                        seconds, constraint.microsPerToken() / 1000);
            }
        }
    }
}
