package dev.tessera.models.llm;

/**
 * Restricts which tokens may come next (a grammar). The generator calls {@link #mask} before each choice,
 * {@link #accept} with the chosen token, and stops as soon as {@link #complete()}.
 */
public interface TokenConstraint {

    /** Sets the logit of every token that may not come next to -inf (in place). */
    void mask(float[] logits);

    /** Advances past {@code token}, which {@link #mask} allowed. */
    void accept(int token);

    /** Whether the text so far is complete (generation stops). */
    boolean complete();
}
