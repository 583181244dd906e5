package dev.tessera.models.t5.loading;

import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.loading.JsonConfig;
import dev.tessera.models.t5.T5Config;
import java.nio.file.Path;

/**
 * A transformers T5 {@code config.json} to a {@link T5Config}; errors name the file and the key (read with
 * models-sd's {@link JsonConfig}, as the other models' configs are).
 */
final class T5ConfigJson {

    private T5ConfigJson() {}

    static T5Config read(Path file) {
        return config(file, JsonConfig.read(file));
    }

    private static T5Config config(Path file, JsonConfig json) {
        String type = json.string("model_type", "t5");
        if (!type.equals("t5")) {
            throw json.error("model_type", "'" + type + "' is not supported (expected t5; umt5 and mt5 differ in where"
                    + " relative position biases live)");
        }
        // transformers derives the activation from feed_forward_proj ("gated-gelu" means gelu_new, gated).
        String projection = json.string("feed_forward_proj", "relu");
        String[] parts = projection.split("-");
        boolean gated = parts[0].equals("gated");
        if (parts.length > 2 || (parts.length == 2 && !gated)) {
            throw json.error("feed_forward_proj", "'" + projection + "' is not of the form ACT or gated-ACT");
        }
        String activation = projection.equals("gated-gelu") ? "gelu_new" : parts[parts.length - 1];
        if (json.bool("is_decoder", false)) {
            throw json.error("is_decoder", "true: this is a T5 decoder, expected the encoder");
        }
        try {
            return new T5Config(
                    json.integer("vocab_size", 32128),
                    json.integer("d_model", 512),
                    json.integer("d_kv", 64),
                    json.integer("d_ff", 2048),
                    json.integer("num_layers", 6),
                    json.integer("num_heads", 8),
                    json.integer("relative_attention_num_buckets", 32),
                    json.integer("relative_attention_max_distance", 128),
                    json.number("layer_norm_epsilon", 1e-6f),
                    activation,
                    gated);
        } catch (ModelLoadException e) {
            throw new ModelLoadException(file + ": " + e.getMessage(), e);
        }
    }
}
