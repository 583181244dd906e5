package dev.tessera.models.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {

    static int draw(SamplingOptions options, float[] logits, long[] sequence) {
        return new TokenSampler(options).next(logits.clone(), sequence);
    }

    @Test
    void greedyTakesTheFirstLargestUnmaskedLogit() {
        float[] logits = {1, 5, 5, Float.NEGATIVE_INFINITY, 2};
        assertEquals(1, draw(SamplingOptions.greedy(), logits, new long[0]));
        logits[1] = Float.NEGATIVE_INFINITY;
        assertEquals(2, draw(SamplingOptions.greedy(), logits, new long[0]));
        assertThrows(IllegalStateException.class, () -> draw(SamplingOptions.greedy(),
                new float[] {Float.NEGATIVE_INFINITY}, new long[0]));
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens() {
        float[] logits = {3.0f, 2.5f, -1f};
        // 3 / 2 = 1.5 < 2.5: the seen token loses first place.
        assertEquals(1, draw(new SamplingOptions(0, 0, 1, 2, 0), logits, new long[] {0, 0}));
        float[] negative = {-1f, -1.5f};
        // -1 * 2 = -2 < -1.5.
        assertEquals(1, draw(new SamplingOptions(0, 0, 1, 2, 0), negative, new long[] {0}));
    }

    @Test
    void seededDrawsRepeatAndFollowTheDistribution() {
        float[] logits = {0, (float) Math.log(3)}; // probabilities 1/4 and 3/4
        Map<Integer, Integer> counts = new HashMap<>();
        TokenSampler sampler = new TokenSampler(SamplingOptions.sampled(1.0, 11));
        TokenSampler same = new TokenSampler(SamplingOptions.sampled(1.0, 11));
        for (int i = 0; i < 4000; i++) {
            int token = sampler.next(logits.clone(), new long[0]);
            assertEquals(token, same.next(logits.clone(), new long[0]));
            counts.merge(token, 1, Integer::sum);
        }
        double share = counts.getOrDefault(1, 0) / 4000.0;
        assertTrue(Math.abs(share - 0.75) < 0.03, "share of token 1: " + share);
    }

    @Test
    void topKAndTopPCutTheTail() {
        float[] logits = {5, 4, 3, 2, 1};
        for (long seed = 0; seed < 200; seed++) {
            assertTrue(draw(new SamplingOptions(5.0, 2, 1, 1, seed), logits, new long[0]) < 2);
            assertEquals(0, draw(new SamplingOptions(1.0, 0, 0.5, 1, seed), logits, new long[0]),
                    "token 0 alone holds more than half");
        }
    }

    @Test
    void optionsOutOfRangeAreRefusedNamingTheOption() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(-1, 0, 1, 1, 0))
                .getMessage().contains("temperature"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1, 0, 0, 1, 0))
                .getMessage().contains("top_p"));
    }
}
