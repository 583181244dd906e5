package dev.tessera.models.llm;

/**
 * How the next token is chosen from the logits, in transformers' order: repetition penalty, then (when sampling)
 * temperature, top-k, top-p, then a draw.
 *
 * @param temperature       0 for greedy (the most likely token, ties to the lowest id); above 0, logits are divided
 *                          by it and the token is drawn
 * @param topK              keep only the k most likely tokens (0: all)
 * @param topP              keep the smallest set of most likely tokens whose probability reaches p (1: all)
 * @param repetitionPenalty CTRL's penalty on tokens already in the sequence: positive logits divided by it,
 *                          negative ones multiplied (1: none)
 * @param seed              the draws' seed: the same seed, model and prompt give the same text
 */
public record SamplingOptions(double temperature, int topK, double topP, double repetitionPenalty, long seed) {

    public SamplingOptions {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature " + temperature + " must be 0 (greedy) or positive");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k " + topK + " must be 0 (off) or positive");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p " + topP + " must be in (0, 1]");
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetition_penalty " + repetitionPenalty + " must be positive");
        }
    }

    /** Greedy decoding without penalty. */
    public static SamplingOptions greedy() {
        return new SamplingOptions(0, 0, 1, 1, 0);
    }

    /** Sampling at {@code temperature} with {@code seed}, no top-k/top-p cut and no penalty. */
    public static SamplingOptions sampled(double temperature, long seed) {
        return new SamplingOptions(temperature, 0, 1, 1, seed);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
