package dev.tessera.lora.internal;

import ai.djl.ndarray.types.Shape;
import dev.tessera.lora.LoraMapping.ModuleTargets;
import dev.tessera.lora.LoraTarget.Rows;
import dev.tessera.lora.LoraTarget;
import dev.tessera.models.sd.loading.LdmUnetNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The LoRA key tables, one per backbone, all in this class: from each canonical (diffusers) parameter, every key a
 * LoRA file may use for its module. Built forward from the model's parameter names because kohya's underscored
 * names are ambiguous to invert ({@code down_blocks_0} vs a name containing an underscore).
 *
 * <p>Only parameters of two or more dimensions (linear and conv weights, embeddings) take a LoRA; norms do not.
 */
public final class KeyTables {

    private KeyTables() {
    }

    // ---------------------------------------------------------------- SD1.x / SD2.x

    /**
     * SD1.x/SD2.x UNet. Keys per weight {@code X.weight}: kohya {@code lora_unet_} + X underscored, both for the
     * diffusers path and the original LDM path ({@code input_blocks_1_1_proj_in}); diffusers {@code unet.X} and
     * bare {@code X}; old attention processors {@code unet.…attn1.processor.to_q} ({@code to_out} without
     * {@code .0}); PEFT {@code base_model.model.X}; lycoris {@code lycoris_X}; ComfyUI's {@code diffusion_model.}
     * + LDM path.
     */
    public static Map<String, ModuleTargets> sd15Unet(Map<String, Shape> parameters) {
        int layersPerBlock = blockIndices(parameters, "down_blocks.0.resnets").size();
        List<Boolean> crossAttention = new ArrayList<>();
        for (int level : blockIndices(parameters, "down_blocks")) {
            crossAttention.add(!blockIndices(parameters, "down_blocks." + level + ".attentions").isEmpty());
        }
        Table table = new Table();
        for (Map.Entry<String, Shape> parameter : weights(parameters).entrySet()) {
            String module = module(parameter.getKey());
            String ldm = module(LdmUnetNames.of(parameter.getKey(), layersPerBlock, crossAttention));
            ModuleTargets targets = ModuleTargets.whole(parameter.getKey(), parameter.getValue());
            for (String key : List.of("lora_unet_" + underscored(module), "lora_unet_" + underscored(ldm),
                    "unet." + module, module, "unet." + attentionProcessor(module), attentionProcessor(module),
                    "base_model.model." + module, "lycoris_" + underscored(module), "diffusion_model." + ldm)) {
                table.put(key, targets);
            }
        }
        return table.entries();
    }

    /** diffusers' pre-PEFT attention processor names: {@code attn1.to_q} → {@code attn1.processor.to_q}. */
    private static String attentionProcessor(String module) {
        String processor = module.replace(".to_", ".processor.to_");
        return processor.endsWith(".to_out.0") ? processor.substring(0, processor.length() - 2) : processor;
    }

    /**
     * SD1.x CLIP text encoder (canonical names are transformers' without {@code text_model.}). Keys: kohya {@code
     * lora_te_text_model_} + path underscored (with or without {@code text_model}); diffusers {@code
     * text_encoder.text_model.} + path and {@code text_encoder.} + path. {@code lora_te1_}/{@code lora_te2_} are
     * SDXL's two encoders and deliberately not SD1.x keys.
     */
    public static Map<String, ModuleTargets> sd15TextEncoder(Map<String, Shape> parameters) {
        Table table = new Table();
        for (Map.Entry<String, Shape> parameter : weights(parameters).entrySet()) {
            String module = module(parameter.getKey());
            ModuleTargets targets = ModuleTargets.whole(parameter.getKey(), parameter.getValue());
            for (String key : List.of("lora_te_text_model_" + underscored(module), "lora_te_" + underscored(module),
                    "text_encoder.text_model." + module, "text_encoder." + module)) {
                table.put(key, targets);
            }
        }
        return table.entries();
    }

    /**
     * One of the two CLIP encoders of SDXL (and SD3): {@code first} is CLIP-L (kohya {@code lora_te1_}, diffusers
     * {@code text_encoder.}), else OpenCLIP-G (kohya {@code lora_te2_}, diffusers {@code text_encoder_2.}); kohya
     * names follow transformers' CLIPTextModel(WithProjection) paths, with or without {@code text_model}.
     */
    public static Map<String, ModuleTargets> dualClipTextEncoder(Map<String, Shape> parameters, boolean first) {
        String kohya = first ? "lora_te1_" : "lora_te2_";
        String diffusers = first ? "text_encoder." : "text_encoder_2.";
        Table table = new Table();
        for (Map.Entry<String, Shape> parameter : weights(parameters).entrySet()) {
            String module = module(parameter.getKey());
            ModuleTargets targets = ModuleTargets.whole(parameter.getKey(), parameter.getValue());
            // text_projection sits beside text_model in CLIPTextModelWithProjection.
            boolean inTextModel = !module.startsWith("text_projection");
            for (String key : inTextModel ? List.of(kohya + "text_model_" + underscored(module),
                    kohya + underscored(module), diffusers + "text_model." + module, diffusers + module)
                    : List.of(kohya + underscored(module), diffusers + module)) {
                table.put(key, targets);
            }
        }
        return table.entries();
    }

    // ---------------------------------------------------------------- DiT: diffusers names

    /** Keys naming diffusers transformer modules directly: {@code transformer.X}, PEFT, OneTrainer, lycoris. */
    private static void diffusersKeys(Table table, Map<String, Shape> parameters) {
        for (Map.Entry<String, Shape> parameter : weights(parameters).entrySet()) {
            String module = module(parameter.getKey());
            ModuleTargets targets = ModuleTargets.whole(parameter.getKey(), parameter.getValue());
            for (String key : List.of("transformer." + module, module, "base_model.model." + module,
                    "lora_transformer_" + underscored(module), "lycoris_" + underscored(module))) {
                table.put(key, targets);
            }
        }
    }

    /** Keys naming an original (BFL / SAI) module: kohya {@code lora_unet_} + underscored, ComfyUI {@code diffusion_model.}. */
    private static void originalKeys(Table table, String original, ModuleTargets targets) {
        table.put("lora_unet_" + underscored(original), targets);
        table.put("diffusion_model." + original, targets);
    }

    // ---------------------------------------------------------------- FLUX

    /**
     * FLUX (diffusers {@code FluxTransformer2DModel} names). Original BFL modules: double blocks' {@code
     * img_attn.qkv} → {@code attn.to_q/to_k/to_v}, {@code txt_attn.qkv} → {@code attn.add_q/k/v_proj}; single
     * blocks' {@code linear1} → {@code attn.to_q/to_k/to_v} + {@code proj_mlp}; {@code final_layer.adaLN_modulation.1}
     * → {@code norm_out.linear} with its shift/scale halves swapped (diffusers stores scale first).
     */
    public static Map<String, ModuleTargets> flux(Map<String, Shape> parameters) {
        Table table = new Table();
        diffusersKeys(table, parameters);
        Originals originals = new Originals(table, parameters);
        for (int i : blockIndices(parameters, "transformer_blocks")) {
            String b = "double_blocks." + i + ".";
            String d = "transformer_blocks." + i + ".";
            originals.split(b + "img_attn.qkv", d + "attn.to_q", d + "attn.to_k", d + "attn.to_v");
            originals.split(b + "img_attn.proj", d + "attn.to_out.0");
            originals.split(b + "txt_attn.qkv", d + "attn.add_q_proj", d + "attn.add_k_proj", d + "attn.add_v_proj");
            originals.split(b + "txt_attn.proj", d + "attn.to_add_out");
            originals.split(b + "img_mlp.0", d + "ff.net.0.proj");
            originals.split(b + "img_mlp.2", d + "ff.net.2");
            originals.split(b + "txt_mlp.0", d + "ff_context.net.0.proj");
            originals.split(b + "txt_mlp.2", d + "ff_context.net.2");
            originals.split(b + "img_mod.lin", d + "norm1.linear");
            originals.split(b + "txt_mod.lin", d + "norm1_context.linear");
        }
        for (int i : blockIndices(parameters, "single_transformer_blocks")) {
            String b = "single_blocks." + i + ".";
            String d = "single_transformer_blocks." + i + ".";
            originals.split(b + "linear1", d + "attn.to_q", d + "attn.to_k", d + "attn.to_v", d + "proj_mlp");
            originals.split(b + "linear2", d + "proj_out");
            originals.split(b + "modulation.lin", d + "norm.linear");
        }
        originals.split("img_in", "x_embedder");
        originals.split("txt_in", "context_embedder");
        originals.split("time_in.in_layer", "time_text_embed.timestep_embedder.linear_1");
        originals.split("time_in.out_layer", "time_text_embed.timestep_embedder.linear_2");
        originals.split("vector_in.in_layer", "time_text_embed.text_embedder.linear_1");
        originals.split("vector_in.out_layer", "time_text_embed.text_embedder.linear_2");
        originals.split("guidance_in.in_layer", "time_text_embed.guidance_embedder.linear_1");
        originals.split("guidance_in.out_layer", "time_text_embed.guidance_embedder.linear_2");
        originals.split("final_layer.linear", "proj_out");
        originals.swappedHalves("final_layer.adaLN_modulation.1", "norm_out.linear");
        return table.entries();
    }

    // ---------------------------------------------------------------- SD3

    /**
     * SD3/SD3.5 MMDiT (diffusers {@code SD3Transformer2DModel} names). Original modules: {@code
     * joint_blocks.N.x_block.attn.qkv} → {@code attn.to_q/k/v}, {@code context_block.attn.qkv} → {@code
     * attn.add_q/k/v_proj}, SD3.5's {@code x_block.attn2}; the last block's context modulation (pre-only, two
     * chunks) and {@code final_layer.adaLN_modulation.1} with their halves swapped, as diffusers stores them.
     */
    public static Map<String, ModuleTargets> sd3(Map<String, Shape> parameters) {
        Table table = new Table();
        diffusersKeys(table, parameters);
        Originals originals = new Originals(table, parameters);
        for (int i : blockIndices(parameters, "transformer_blocks")) {
            String x = "joint_blocks." + i + ".x_block.";
            String c = "joint_blocks." + i + ".context_block.";
            String d = "transformer_blocks." + i + ".";
            originals.split(x + "attn.qkv", d + "attn.to_q", d + "attn.to_k", d + "attn.to_v");
            originals.split(x + "attn.proj", d + "attn.to_out.0");
            originals.split(x + "attn2.qkv", d + "attn2.to_q", d + "attn2.to_k", d + "attn2.to_v");
            originals.split(x + "attn2.proj", d + "attn2.to_out.0");
            originals.split(x + "mlp.fc1", d + "ff.net.0.proj");
            originals.split(x + "mlp.fc2", d + "ff.net.2");
            originals.split(x + "adaLN_modulation.1", d + "norm1.linear");
            originals.split(c + "attn.qkv", d + "attn.add_q_proj", d + "attn.add_k_proj", d + "attn.add_v_proj");
            originals.split(c + "attn.proj", d + "attn.to_add_out");
            originals.split(c + "mlp.fc1", d + "ff_context.net.0.proj");
            originals.split(c + "mlp.fc2", d + "ff_context.net.2");
            if (contextPreOnly(parameters, d)) {
                originals.swappedHalves(c + "adaLN_modulation.1", d + "norm1_context.linear");
            } else {
                originals.split(c + "adaLN_modulation.1", d + "norm1_context.linear");
            }
        }
        originals.split("x_embedder.proj", "pos_embed.proj");
        originals.split("context_embedder", "context_embedder");
        originals.split("t_embedder.mlp.0", "time_text_embed.timestep_embedder.linear_1");
        originals.split("t_embedder.mlp.2", "time_text_embed.timestep_embedder.linear_2");
        originals.split("y_embedder.mlp.0", "time_text_embed.text_embedder.linear_1");
        originals.split("y_embedder.mlp.2", "time_text_embed.text_embedder.linear_2");
        originals.split("final_layer.linear", "proj_out");
        originals.swappedHalves("final_layer.adaLN_modulation.1", "norm_out.linear");
        return table.entries();
    }

    /** The last SD3 block only modulates its context before attention: two chunks instead of six. */
    private static boolean contextPreOnly(Map<String, Shape> parameters, String block) {
        Shape modulation = parameters.get(block + "norm1_context.linear.weight");
        return modulation != null && modulation.get(0) == 2 * modulation.get(1);
    }

    /** Adds original-name keys whose targets are diffusers parameters, skipping modules the model lacks. */
    private static final class Originals {
        private final Table table;
        private final Map<String, Shape> parameters;

        Originals(Table table, Map<String, Shape> parameters) {
            this.table = table;
            this.parameters = parameters;
        }

        /** Module {@code original}'s rows are the listed parameters' rows, one after another. */
        void split(String original, String... modules) {
            List<LoraTarget> targets = new ArrayList<>();
            long offset = 0;
            for (String module : modules) {
                Shape shape = parameters.get(module + ".weight");
                if (shape == null) {
                    return;
                }
                targets.add(new LoraTarget(module + ".weight", shape,
                        List.of(new Rows(offset, offset + shape.get(0)))));
                offset += shape.get(0);
            }
            originalKeys(table, original, new ModuleTargets(offset, targets));
        }

        /** Module {@code original} is {@code module} with the two halves of its rows in the other order. */
        void swappedHalves(String original, String module) {
            Shape shape = parameters.get(module + ".weight");
            if (shape == null) {
                return;
            }
            long half = shape.get(0) / 2;
            LoraTarget target = new LoraTarget(module + ".weight", shape,
                    List.of(new Rows(half, 2 * half), new Rows(0, half)));
            originalKeys(table, original, new ModuleTargets(shape.get(0), List.of(target)));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static final Pattern INDEX = Pattern.compile("^(\\d+)\\.");

    /** The indices N of parameters named {@code prefix.N.…}, ascending. */
    private static TreeSet<Integer> blockIndices(Map<String, Shape> parameters, String prefix) {
        TreeSet<Integer> indices = new TreeSet<>();
        for (String name : parameters.keySet()) {
            if (name.startsWith(prefix + ".")) {
                Matcher m = INDEX.matcher(name.substring(prefix.length() + 1));
                if (m.find()) {
                    indices.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        return indices;
    }

    /** The parameters a LoRA can patch: {@code .weight}s of two or more dimensions. */
    private static Map<String, Shape> weights(Map<String, Shape> parameters) {
        Map<String, Shape> weights = new LinkedHashMap<>();
        parameters.forEach((name, shape) -> {
            if (name.endsWith(".weight") && shape.dimension() >= 2) {
                weights.put(name, shape);
            }
        });
        return weights;
    }

    private static String module(String weight) {
        return weight.substring(0, weight.length() - ".weight".length());
    }

    private static String underscored(String module) {
        return module.replace('.', '_');
    }

    /** Key → targets; a key claimed twice for different targets is a bug in a table, reported at once. */
    private static final class Table {
        private final Map<String, ModuleTargets> entries = new LinkedHashMap<>();

        void put(String key, ModuleTargets targets) {
            ModuleTargets previous = entries.putIfAbsent(key, targets);
            if (previous != null && !previous.equals(targets)) {
                throw new IllegalStateException("LoRA key table: '" + key + "' would address both " + previous
                        + " and " + targets);
            }
        }

        Map<String, ModuleTargets> entries() {
            return entries;
        }
    }
}
