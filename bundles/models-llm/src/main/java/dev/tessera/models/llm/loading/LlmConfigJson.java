package dev.tessera.models.llm.loading;

import dev.tessera.models.llm.Architecture;
import dev.tessera.models.llm.LlmConfig;
import dev.tessera.models.llm.RopeScaling;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.loading.JsonConfig;
import java.util.Arrays;
import java.util.List;

/**
 * A transformers {@code config.json} of a LLaMA or Qwen2 model to an {@link LlmConfig}; errors name the file and the
 * key. Missing keys take transformers' defaults. A Janus-Pro (multi_modality) config's {@code language_config} is
 * the language model's own config.
 */
final class LlmConfigJson {

    private LlmConfigJson() {}

    /** The language model's section of {@code json}: itself, or Janus-Pro's {@code language_config}. */
    static JsonConfig languageSection(JsonConfig json) {
        JsonConfig language = json.section("language_config");
        return language != null ? language : json;
    }

    static LlmConfig read(JsonConfig json) {
        String type = json.string("model_type", null);
        if (type == null && json.has("architectures")) {
            List<String> architectures = json.strings("architectures");
            type = architectures.stream().anyMatch(a -> a.startsWith("Qwen2")) ? "qwen2"
                    : architectures.stream().anyMatch(a -> a.startsWith("Llama")) ? "llama" : architectures.toString();
        }
        String found = type;
        Architecture architecture = Arrays.stream(Architecture.values()).filter(a -> a.modelType().equals(found))
                .findFirst().orElseThrow(() -> json.error("model_type", "architecture '" + found + "' is not supported"
                        + " (expected llama or qwen2: LlamaForCausalLM, Qwen2ForCausalLM)"));
        String activation = json.string("hidden_act", "silu");
        if (!activation.equals("silu")) {
            throw json.error("hidden_act", "'" + activation + "' is not supported (expected silu: SwiGLU)");
        }
        boolean qwen = architecture == Architecture.QWEN2;
        int hidden = json.integer("hidden_size", 4096);
        int heads = json.integer("num_attention_heads", 32);
        if (qwen && json.bool("use_sliding_window", false)) {
            throw json.error("use_sliding_window", "true is not supported (sliding-window attention)");
        }
        JsonConfig rope = json.section("rope_parameters");
        JsonConfig scaling = json.section("rope_scaling");
        double theta = rope != null && rope.has("rope_theta") ? rope.real("rope_theta", 10000)
                : json.real("rope_theta", qwen ? 1_000_000 : 10000);
        JsonConfig parameters = scaling != null ? scaling : rope;
        RopeScaling ropeScaling = RopeScaling.NONE;
        if (parameters != null) {
            String ropeType = parameters.string("rope_type", parameters.string("type", "default"));
            if (!RopeScaling.TYPES.contains(ropeType)) {
                throw parameters.error("rope_type", "'" + ropeType + "' is not supported (expected one of "
                        + RopeScaling.TYPES + ")");
            }
            ropeScaling = new RopeScaling(ropeType, parameters.real("factor", 1), parameters.real("low_freq_factor", 1),
                    parameters.real("high_freq_factor", 4), parameters.integer("original_max_position_embeddings",
                            ropeType.equals("llama3") ? 8192 : 0));
        }
        try {
            return new LlmConfig(
                    architecture,
                    json.integer("vocab_size", qwen ? 151936 : 32000),
                    hidden,
                    json.integer("intermediate_size", qwen ? 22016 : 11008),
                    json.integer("num_hidden_layers", 32),
                    heads,
                    json.integer("num_key_value_heads", heads),
                    json.integer("head_dim", hidden / Math.max(1, heads)),
                    json.number("rms_norm_eps", 1e-6f),
                    theta,
                    ropeScaling,
                    qwen || json.bool("attention_bias", false),
                    !qwen && json.bool("mlp_bias", false),
                    json.bool("tie_word_embeddings", false),
                    json.integer("max_position_embeddings", qwen ? 32768 : 2048));
        } catch (ModelLoadException e) {
            throw new ModelLoadException(json.where() + ": " + e.getMessage(), e);
        }
    }
}
