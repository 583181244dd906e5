package dev.tessera.bench.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.models.llm.CausalLM;
import dev.tessera.models.llm.Generation;
import dev.tessera.models.llm.GenerationOptions;
import dev.tessera.models.llm.KvCache;
import dev.tessera.models.llm.LlmConfig;
import dev.tessera.models.llm.SamplingOptions;
import dev.tessera.models.llm.TextGenerator;
import dev.tessera.models.llm.grammar.GrammarConstraint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code tessera bench llm}: a decoder at Qwen2.5-0.5B's topology (24 layers, width 896, 14 query and 2 key/value
 * heads, SwiGLU 4864, vocabulary 151,936, tied embeddings; {@code layers} may cut the depth for a small machine)
 * with random weights. Prefill of a random prompt in one forward pass, then decode steps of one position each with
 * the KV cache (the logits read back to the host each step, as generation does), {@code runs} times after a
 * warm-up run; one decode step under libtorch's profiler; then constrained generations (the layout grammar, 4
 * instances) over a stand-in vocabulary of the real size, for the constraint's own time per token.
 */
final class LlmBench {

    /** What the llm bench measured. */
    record Result(String description, List<Double> prefillSeconds, List<Double> decodeMillisPerToken,
                  double constraintMillisPerToken, double constraintFirstMillisPerToken, int constrainedTokens,
                  OperationProfile decodeProfile, long peakResidentBytes) {

        double prefillTokensPerSecond(int promptTokens) {
            return promptTokens / Bench.median(prefillSeconds);
        }

        double decodeMillis() {
            return Bench.median(decodeMillisPerToken);
        }
    }

    /** The size of Qwen2's ordinary vocabulary (151,936 ids of which 151,643 are ordinary tokens). */
    static final int QWEN2_ORDINARY_TOKENS = 151_643;

    private LlmBench() {
    }

    static LlmConfig config(int layers) {
        LlmConfig full = LlmConfig.qwen25HalfB();
        return new LlmConfig(full.architecture(), full.vocabSize(), full.hiddenSize(), full.intermediateSize(),
                layers <= 0 ? full.numLayers() : layers, full.numHeads(), full.numKeyValueHeads(), full.headDim(),
                full.rmsNormEps(), full.ropeTheta(), full.ropeScaling(), full.attentionBias(), full.mlpBias(),
                full.tieWordEmbeddings(), full.maxPositionEmbeddings());
    }

    /**
     * @param layers decoder layers (0: the real 24)
     * @param runs timed prefill + decode runs after the warm-up run
     */
    static Result run(NDManager manager, DataType dtype, int promptTokens, int newTokens, int layers, int runs) {
        LlmConfig config = config(layers);
        // Each parameter drawn once: a tied embedding is asked for twice and must be one tensor.
        Weights random = Bench.randomWeights(manager, dtype);
        Map<String, NDArray> drawn = new HashMap<>();
        CausalLM model = new CausalLM(config, (name, shape) -> drawn.computeIfAbsent(name,
                n -> random.get(n, shape)), dtype);
        Random ids = new Random(1);
        long[] prompt = new long[promptTokens];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = ids.nextInt(config.vocabSize());
        }
        List<Double> prefill = new ArrayList<>();
        List<Double> decode = new ArrayList<>();
        OperationProfile profile = null;
        for (int run = 0; run <= runs; run++) { // run 0 warms libtorch up
            try (NDManager step = manager.newSubManager(); KvCache cache = model.newCache(step)) {
                long start = System.nanoTime();
                model.forward(step.create(prompt, new Shape(1, promptTokens)), cache).close();
                double prefillSeconds = (System.nanoTime() - start) / 1e9;
                start = System.nanoTime();
                for (int t = 0; t < newTokens; t++) {
                    try (NDManager one = step.newSubManager()) {
                        model.forward(one.create(new long[] {ids.nextInt(1000)}, new Shape(1, 1)), cache)
                                .toFloatArray();
                    }
                }
                double decodeMillis = (System.nanoTime() - start) / 1e6 / newTokens;
                if (run > 0) {
                    prefill.add(prefillSeconds);
                    decode.add(decodeMillis);
                } else {
                    profile = OperationProfile.of(() -> {
                        try (NDManager one = step.newSubManager()) {
                            model.forward(one.create(new long[] {7}, new Shape(1, 1)), cache).toFloatArray();
                        }
                    });
                }
            }
        }
        GrammarConstraint.Vocabulary vocabulary = GrammarConstraint.Vocabulary.synthetic(QWEN2_ORDINARY_TOKENS, 1);
        double first = 0;
        double later = 0;
        int tokens = 0;
        for (int run = 0; run < 2; run++) { // the first fills the vocabulary's cache of allowed sets
            GrammarConstraint constraint = GrammarConstraint.forGeneration(vocabulary, 4);
            Generation g = new TextGenerator(model).generate(manager, prompt, new GenerationOptions(newTokens,
                    SamplingOptions.sampled(1.0, run), List.of(), Set.of(), true), null, constraint, null);
            if (run == 0) {
                first = constraint.microsPerToken() / 1000;
            } else {
                later = constraint.microsPerToken() / 1000;
                tokens = g.tokens().length;
            }
        }
        String description = String.format(java.util.Locale.ROOT, "Qwen2.5-0.5B topology (%d of 24 layers, width %d,"
                + " %d/%d heads, vocabulary %d), random weights, prompt %d tokens, %d new tokens",
                config.numLayers(), config.hiddenSize(), config.numHeads(), config.numKeyValueHeads(),
                config.vocabSize(), promptTokens, newTokens);
        return new Result(description, prefill, decode, later, first, tokens, profile, Bench.peakResident());
    }
}
