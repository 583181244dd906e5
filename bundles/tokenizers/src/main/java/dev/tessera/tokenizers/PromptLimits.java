package dev.tessera.tokenizers;

import java.util.function.Function;

/**
 * How long a prompt may be, so that a huge prompt is refused with a clear error instead of exhausting memory (its
 * conditioning grows with its windows of 77 tokens). Read from system properties {@value #MAX_CHARS} and
 * {@value #MAX_TOKENS} ({@code -D} in {@code TESSERA_JAVA_OPTS}).
 *
 * @param maxChars  characters (UTF-16 units) a prompt may have; checked before anything else
 * @param maxTokens tokens a prompt may have (start, end and padding not counted); counting stops at the limit
 */
public record PromptLimits(int maxChars, int maxTokens) {

    public static final String MAX_CHARS = "tessera.prompt.maxChars";
    public static final String MAX_TOKENS = "tessera.prompt.maxTokens";
    /** Far beyond any prompt written by hand (ComfyUI's own prompts are a few hundred characters). */
    public static final int DEFAULT_MAX_CHARS = 20_000;
    /** 200 windows of 75 tokens. */
    public static final int DEFAULT_MAX_TOKENS = 15_000;

    public static final PromptLimits DEFAULTS = new PromptLimits(DEFAULT_MAX_CHARS, DEFAULT_MAX_TOKENS);

    public PromptLimits {
        if (maxChars < 1) throw new IllegalArgumentException(MAX_CHARS + " must be at least 1, got " + maxChars);
        if (maxTokens < 1) throw new IllegalArgumentException(MAX_TOKENS + " must be at least 1, got " + maxTokens);
    }

    /** The limits the system properties set, defaults for those not set. */
    public static PromptLimits fromSystemProperties() {
        return from(System::getProperty);
    }

    /**
     * @param properties property lookup, null for an unset property
     * @throws IllegalArgumentException naming the property when a value is not a whole number
     */
    public static PromptLimits from(Function<String, String> properties) {
        return new PromptLimits(number(properties, MAX_CHARS, DEFAULT_MAX_CHARS), number(properties, MAX_TOKENS, DEFAULT_MAX_TOKENS));
    }

    private static int number(Function<String, String> properties, String key, int fallback) {
        String text = properties.apply(key);
        if (text == null || text.isBlank()) return fallback;
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + text + "'");
        }
    }

    /** Null when {@code prompt} has at most {@link #maxChars} characters, else the problem, naming the limit. */
    public String charProblem(String prompt) {
        return prompt.length() <= maxChars ? null : "the prompt has " + prompt.length()
                + " characters, more than the limit of " + maxChars + " (" + MAX_CHARS + ")";
    }
}
