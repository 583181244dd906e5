package dev.tessera.models.llm.grammar;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.models.llm.SamplingOptions;
import dev.tessera.models.llm.TokenSampler;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The constraint's cost per token at the size of Qwen2's vocabulary (151,643 ordinary tokens). No tokenizer of that
 * size is available offline, so the vocabulary is synthetic ({@link GrammarConstraint.Vocabulary#synthetic}: all 256
 * single bytes plus distinct pieces of 2 to 12 bytes, lengths weighted like a BPE vocabulary's). The figure goes
 * to docs/benchmarks.md; the bound only catches a walk gone quadratic.
 */
public class GrammarCostTest {

    @Test
    void costPerTokenAtQwen2VocabularySize() {
        GrammarConstraint.Vocabulary vocabulary = GrammarConstraint.Vocabulary.synthetic(151_643, 1);
        Random random = new Random(5);
        double[] micros = new double[3];
        int tokens = 0;
        for (int run = 0; run < micros.length; run++) {
            GrammarConstraint constraint = GrammarConstraint.forGeneration(vocabulary, 4);
            TokenSampler sampler = new TokenSampler(SamplingOptions.sampled(1.0, run));
            while (!constraint.complete()) {
                float[] logits = new float[151_936];
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = random.nextFloat() * 4;
                }
                constraint.mask(logits);
                constraint.accept(sampler.next(logits, new long[0]));
                tokens++;
            }
            micros[run] = constraint.microsPerToken();
        }
        System.out.printf("layout constraint, 151,643-token vocabulary: %.0f / %.0f / %.0f us per token (runs 1-3,"
                + " first with an empty cache), %d tokens%n", micros[0], micros[1], micros[2], tokens);
        assertTrue(micros[2] < 100_000, "constraint cost " + micros[2] + " us per token");
    }
}
