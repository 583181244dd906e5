package dev.tessera.models.llm;

import java.util.List;
import java.util.Set;

/**
 * What a generation may produce and when it stops.
 *
 * @param maxNewTokens the most tokens generated after the prompt
 * @param sampling     how each token is chosen
 * @param stopStrings  generation stops once the generated text contains one; the text is cut before it
 * @param stopTokens   ids that end generation (end of sequence, end of turn); not part of the text
 * @param useCache     reuse keys and values ({@link KvCache}): one position per token instead of the whole
 *                     sequence (same tokens either way; off only to check that)
 */
public record GenerationOptions(int maxNewTokens, SamplingOptions sampling, List<String> stopStrings,
        Set<Long> stopTokens, boolean useCache) {

    public GenerationOptions {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens " + maxNewTokens + " must be at least 1");
        }
        stopStrings = List.copyOf(stopStrings);
        stopTokens = Set.copyOf(stopTokens);
        if (stopStrings.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("a stop string is empty");
        }
    }

    /** Greedy, at most {@code maxNewTokens}, no stop, with the cache. */
    public static GenerationOptions greedy(int maxNewTokens) {
        return new GenerationOptions(maxNewTokens, SamplingOptions.greedy(), List.of(), Set.of(), true);
    }

    public GenerationOptions withCache(boolean cache) {
        return new GenerationOptions(maxNewTokens, sampling, stopStrings, stopTokens, cache);
    }

    public GenerationOptions withStops(List<String> strings, Set<Long> tokens) {
        return new GenerationOptions(maxNewTokens, sampling, strings, tokens, useCache);
    }
}
