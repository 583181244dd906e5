package dev.tessera.llm.nodes.internal.nodes;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.ValueType;
import java.util.List;

/** What the LLM nodes share: the LLM value type and the model folder. */
final class LlmNodes {

    /** The value LLMLoader outputs (an {@link dev.tessera.llm.nodes.internal.LlmHandle}). */
    static final ValueType LLM = ValueType.of("LLM");
    /** {@code models/llm}: one transformers folder per model. */
    static final String FOLDER = "llm";
    static final String CONFIG = "config.json";

    private LlmNodes() {}

    /** The folders under models/llm that hold a config.json, by relative name. */
    static List<String> modelFolders(Folders folders) {
        String suffix = "/" + CONFIG;
        // Hosts match extensions (".json"), not names: the folders are the parents of the config.json files.
        return folders.listModelFiles(FOLDER, List.of(".json")).stream().filter(n -> n.endsWith(suffix))
                .map(n -> n.substring(0, n.length() - suffix.length())).toList();
    }
}
