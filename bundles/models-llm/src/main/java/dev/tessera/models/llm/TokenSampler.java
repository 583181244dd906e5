package dev.tessera.models.llm;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks next tokens from host logits as {@link SamplingOptions} say. One sampler per generation: its random stream
 * starts from the seed, so a generation is reproducible. Tokens whose logit is -inf (masked by a constraint) are
 * never picked.
 */
public final class TokenSampler {

    private final SamplingOptions options;
    private final SplittableRandom random;

    public TokenSampler(SamplingOptions options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
    }

    /**
     * The next token for {@code logits} (modified in place), given the ids of the sequence so far.
     *
     * @throws IllegalStateException when every token is masked
     */
    public int next(float[] logits, long[] sequence) {
        if (options.repetitionPenalty() != 1) {
            float penalty = (float) options.repetitionPenalty();
            boolean[] seen = new boolean[logits.length];
            for (long id : sequence) {
                if (id >= 0 && id < logits.length && !seen[(int) id]) {
                    seen[(int) id] = true;
                    float l = logits[(int) id];
                    logits[(int) id] = l > 0 ? l / penalty : l * penalty;
                }
            }
        }
        if (options.isGreedy()) {
            return argmax(logits);
        }
        int[] order = candidates(logits);
        double max = logits[argmax(logits)];
        double[] weights = new double[order.length];
        double total = 0;
        for (int i = 0; i < order.length; i++) {
            weights[i] = Math.exp((logits[order[i]] - max) / options.temperature());
            total += weights[i];
        }
        int kept = order.length;
        if (options.topP() < 1) {
            double cumulative = 0;
            for (int i = 0; i < order.length; i++) {
                cumulative += weights[i] / total;
                if (cumulative >= options.topP()) {
                    kept = i + 1;
                    break;
                }
            }
        }
        double keptTotal = 0;
        for (int i = 0; i < kept; i++) {
            keptTotal += weights[i];
        }
        double draw = random.nextDouble() * keptTotal;
        for (int i = 0; i < kept; i++) {
            draw -= weights[i];
            if (draw < 0) {
                return order[i];
            }
        }
        return order[kept - 1];
    }

    /** The unmasked tokens by decreasing logit (ties by id), cut to top-k. */
    private int[] candidates(float[] logits) {
        int count = 0;
        for (float l : logits) {
            if (l != Float.NEGATIVE_INFINITY) {
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalStateException("every token is masked: nothing can be generated");
        }
        int[] unmasked = new int[count];
        for (int i = 0, n = 0; i < logits.length; i++) {
            if (logits[i] != Float.NEGATIVE_INFINITY) {
                unmasked[n++] = i;
            }
        }
        if (options.topK() == 0 && options.topP() >= 1) {
            return unmasked; // no cut: order does not matter (sorting 150k ids per token costs more than a small model)
        }
        Integer[] ids = Arrays.stream(unmasked).boxed().toArray(Integer[]::new);
        Arrays.sort(ids, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        int kept = options.topK() > 0 ? Math.min(options.topK(), count) : count;
        int[] order = new int[kept];
        for (int i = 0; i < kept; i++) {
            order[i] = ids[i];
        }
        return order;
    }

    /** The first index of the largest logit (torch.argmax's choice on ties). */
    static int argmax(float[] logits) {
        int best = -1;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] != Float.NEGATIVE_INFINITY && (best < 0 || logits[i] > logits[best])) {
                best = i;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("every token is masked: nothing can be generated");
        }
        return best;
    }
}
