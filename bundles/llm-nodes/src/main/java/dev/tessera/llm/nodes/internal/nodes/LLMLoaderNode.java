package dev.tessera.llm.nodes.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.llm.nodes.internal.LlmModels;
import dev.tessera.models.core.ModelLoadException;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * LLMLoader: a LLaMA or Qwen2 model folder in transformers layout from {@code models/llm/} (each folder holding a
 * {@code config.json} is offered) as an LLM handle. Shapes and names are checked here; weights are read on first
 * use. Loaded models are shared and cached like checkpoints.
 */
@Component(service = NodeType.class)
public final class LLMLoaderNode implements NodeType {

    static final String NAME = "llm_name";

    private final Folders folders;
    private final LlmModels models;
    private final NodeDescriptor descriptor;

    @Activate
    public LLMLoaderNode(@Reference Folders folders, @Reference LlmModels models) {
        this.folders = folders;
        this.models = models;
        this.descriptor = NodeDescriptor.builder("LLMLoader")
                .displayName("Load LLM")
                .category("loaders")
                .description("Loads a local language model (LLaMA or Qwen2 architecture, a transformers folder with"
                        + " config.json, safetensors weights and tokenizer.json) from models/llm.")
                .input(InputSpec.combo(NAME, () -> LlmNodes.modelFolders(folders), null).withTooltip(
                        "A folder under models/llm, e.g. Qwen2.5-0.5B-Instruct downloaded from Hugging Face."))
                .output(new OutputSpec("LLM", LlmNodes.LLM, false, "The language model and its tokenizer."))
                .build();
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Path folder = folder(inputs.getString(NAME));
        try {
            return NodeResult.of(models.open(folder));
        } catch (ModelLoadException e) {
            throw new NodeException("invalid_input", NAME, e.getMessage(), e);
        }
    }

    @Override
    public Object changeKey(NodeInputs widgetValues) {
        return LlmModels.fingerprint(folders.modelFolder(LlmNodes.FOLDER).resolve(widgetValues.getString(NAME)));
    }

    private Path folder(String name) {
        try {
            return folders.resolveModelFolder(LlmNodes.FOLDER, name, LlmNodes.CONFIG);
        } catch (NodeException e) {
            throw NodeException.invalidInput(NAME, "'" + name + "' is not a model folder of models/"
                    + LlmNodes.FOLDER + " (expected a folder with config.json): " + e.getMessage());
        }
    }
}
