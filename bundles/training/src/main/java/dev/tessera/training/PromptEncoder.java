package dev.tessera.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/** Texts to the conditioning a frozen text encoder gives them: [texts, tokens, width], no gradient. */
@FunctionalInterface
public interface PromptEncoder {

    NDArray encode(List<String> texts, NDManager manager);
}
