package dev.tessera.models.llm;

/** The decoder architectures {@link CausalLM} implements; they differ only where the flags of {@link LlmConfig} say. */
public enum Architecture {
    /** transformers' LlamaForCausalLM (Llama 2/3, TinyLlama, Janus-Pro's language model, SmolLM). */
    LLAMA("llama"),
    /** transformers' Qwen2ForCausalLM (Qwen2, Qwen2.5): LLaMA with biases on q, k and v. */
    QWEN2("qwen2");

    private final String modelType;

    Architecture(String modelType) {
        this.modelType = modelType;
    }

    /** The config.json {@code model_type}. */
    public String modelType() {
        return modelType;
    }
}
