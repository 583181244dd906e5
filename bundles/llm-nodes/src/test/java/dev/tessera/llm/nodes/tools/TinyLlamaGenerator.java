package dev.tessera.llm.nodes.tools;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Writes {@code sample-workflows/models/llm/tiny-llama/}: a LLaMA-architecture causal LM in transformers layout with
 * <b>seeded random weights</b> (width 32, 2 layers, 4 query and 2 key/value heads, tied embeddings) over the
 * conformance pack's byte-level BPE tokenizer ({@code tokenizers/bytelevel}, 386 tokens, layout tags as special
 * tokens). It knows nothing: it stands in for a real model so that the LayoutFromLLM samples run anywhere, and the
 * layout grammar still makes its answer a valid layout.
 *
 * <p>Run: {@code java -cp <test classpath> dev.tessera.llm.nodes.tools.TinyLlamaGenerator <pack dir> <out folder>}.
 * Deterministic (seed 2026).
 */
public final class TinyLlamaGenerator {

    static final int VOCAB = 386;
    static final int HIDDEN = 32;
    static final int LAYERS = 2;
    static final int HEADS = 4;
    static final int KV_HEADS = 2;
    static final int HEAD_DIM = 8;
    static final int FF = 64;

    private TinyLlamaGenerator() {}

    public static void main(String[] args) throws IOException {
        write(Path.of(args[0]), Path.of(args[1]));
    }

    public static void write(Path pack, Path out) throws IOException {
        Files.createDirectories(out);
        Files.copy(pack.resolve("tokenizers/bytelevel/tokenizer.json"), out.resolve("tokenizer.json"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(out.resolve("tokenizer_config.json"), """
                {
                  "bos_token": "<s>",
                  "eos_token": "</s>",
                  "pad_token": "<pad>",
                  "add_bos_token": true,
                  "model_max_length": 1024,
                  "tokenizer_class": "PreTrainedTokenizerFast"
                }
                """);
        Files.writeString(out.resolve("config.json"), """
                {
                  "architectures": ["LlamaForCausalLM"],
                  "model_type": "llama",
                  "vocab_size": %d,
                  "hidden_size": %d,
                  "intermediate_size": %d,
                  "num_hidden_layers": %d,
                  "num_attention_heads": %d,
                  "num_key_value_heads": %d,
                  "head_dim": %d,
                  "hidden_act": "silu",
                  "max_position_embeddings": 1024,
                  "rms_norm_eps": 1e-06,
                  "rope_theta": 10000.0,
                  "tie_word_embeddings": true,
                  "bos_token_id": 1,
                  "eos_token_id": 2,
                  "pad_token_id": 0,
                  "torch_dtype": "float32"
                }
                """.formatted(VOCAB, HIDDEN, FF, LAYERS, HEADS, KV_HEADS, HEAD_DIM));
        Random random = new Random(2026);
        Map<String, NDArray> tensors = new TreeMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            tensors.put("model.embed_tokens.weight", normal(manager, random, 0.5f, VOCAB, HIDDEN));
            tensors.put("model.norm.weight", manager.ones(new Shape(HIDDEN)));
            for (int i = 0; i < LAYERS; i++) {
                String p = "model.layers." + i + ".";
                tensors.put(p + "input_layernorm.weight", manager.ones(new Shape(HIDDEN)));
                tensors.put(p + "post_attention_layernorm.weight", manager.ones(new Shape(HIDDEN)));
                tensors.put(p + "self_attn.q_proj.weight", normal(manager, random, 0.2f, HEADS * HEAD_DIM, HIDDEN));
                tensors.put(p + "self_attn.k_proj.weight", normal(manager, random, 0.2f, KV_HEADS * HEAD_DIM, HIDDEN));
                tensors.put(p + "self_attn.v_proj.weight", normal(manager, random, 0.2f, KV_HEADS * HEAD_DIM, HIDDEN));
                tensors.put(p + "self_attn.o_proj.weight", normal(manager, random, 0.2f, HIDDEN, HEADS * HEAD_DIM));
                tensors.put(p + "mlp.gate_proj.weight", normal(manager, random, 0.2f, FF, HIDDEN));
                tensors.put(p + "mlp.up_proj.weight", normal(manager, random, 0.2f, FF, HIDDEN));
                tensors.put(p + "mlp.down_proj.weight", normal(manager, random, 0.2f, HIDDEN, FF));
            }
            SafetensorsWriter.write(out.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        }
    }

    private static NDArray normal(NDManager manager, Random random, float std, int rows, int cols) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian() * std;
        }
        return manager.create(values, new Shape(rows, cols));
    }
}
