package dev.tessera.model.api;

import ai.djl.ndarray.NDList;
import dev.tessera.sampling.ModelStep;
import java.util.Set;

/**
 * A patch that wraps named stages of a model's forward pass ({@link HookPoints}): it receives the stage's inputs
 * and a continuation that computes the default, and returns the stage's outputs. It may change the inputs, call the
 * continuation once, several times (e.g. once per instance) or not at all, and change the outputs. Hooks of one
 * handle nest in patch order: the last one added is outermost.
 *
 * <p>Tensors the hook creates are freed by the model call's scope; return new arrays or the continuation's.
 */
public interface ForwardHook extends ModelPatch {

    /** The continuation of a stage: the default computation (with any inner hooks). */
    @FunctionalInterface
    interface Stage {
        NDList run(NDList inputs);
    }

    /** The hook points this hook wraps; others are never passed to {@link #around}. */
    Set<String> points();

    /**
     * Whether the hook acts at this step; when it does not, the model runs as if it were absent (a beta(t)
     * schedule switching a patch off for the last steps, say).
     */
    default boolean activeAt(ModelStep step) {
        return true;
    }

    /**
     * Computes the stage {@code point}.
     *
     * @param inputs the stage's inputs as {@link HookPoints} describes them; read only
     * @param next the default computation
     */
    NDList around(String point, NDList inputs, Stage next, HookContext context);
}
