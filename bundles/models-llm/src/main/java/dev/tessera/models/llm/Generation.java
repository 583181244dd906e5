package dev.tessera.models.llm;

/**
 * A finished generation.
 *
 * @param tokens the new tokens (without the prompt; a stop token that ended it is not included)
 * @param text   their text, cut before a stop string when one ended it (null when generated without a decoder)
 * @param reason why it stopped
 */
public record Generation(long[] tokens, String text, StopReason reason) {

    /** Why generation ended. */
    public enum StopReason {
        /** A stop token (end of sequence or turn). */
        STOP_TOKEN,
        /** A stop string appeared in the text. */
        STOP_STRING,
        /** The constraint's grammar is complete. */
        CONSTRAINT_COMPLETE,
        /** The max-token limit. */
        MAX_TOKENS
    }
}
