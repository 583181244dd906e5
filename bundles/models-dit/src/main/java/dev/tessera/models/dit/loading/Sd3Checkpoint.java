package dev.tessera.models.dit.loading;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.core.DeviceWeights;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.loading.JsonConfig;
import dev.tessera.models.core.loading.PartsWeightSource;
import dev.tessera.models.core.loading.StoredPart;
import dev.tessera.models.dit.Sd3Transformer2DModel;
import dev.tessera.models.dit.Sd3TransformerConfig;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An SD3 / SD3.5 transformer (MMDiT) on disk, opened from its headers: configuration resolved, every parameter's
 * name and shape checked before any data is read; {@link #transformer()} then reads the tensors into the compute
 * dtype on the device.
 *
 * <ul>
 *   <li>diffusers folder: {@code config.json} + {@code diffusion_pytorch_model.safetensors} (or sharded); a
 *       pipeline folder with a {@code transformer/} subfolder works too.
 *   <li>original single file ({@code sd3_medium.safetensors}, {@code sd3.5_large.safetensors}): keys under
 *       {@code model.diffusion_model.} (or bare), converted to diffusers' at this edge; configuration from the
 *       shapes (heads of 64 as every SD3 release), an architecture file ({@code name.arch.json} beside it, or
 *       given) overriding. Text encoders ({@code text_encoders.*}) and VAE ({@code first_stage_model.*}) in the same
 *       file are not the transformer's and are left to their own loaders.
 * </ul>
 */
public final class Sd3Checkpoint extends TransformerCheckpoint<Sd3TransformerConfig, Sd3Transformer2DModel> {

    /** The prefix of the transformer keys in SD3's released single files (as ComfyUI's checkpoints). */
    public static final String COMFY_PREFIX = "model.diffusion_model.";
    /** The key that tells an original-layout SD3 transformer (under a prefix or bare). */
    static final String MARKER = "joint_blocks.0.x_block.attn.qkv.weight";
    /** SD3's released models all have heads of 64 channels (hidden = 64 x depth). */
    private static final int SD3_HEAD_DIM = 64;

    private Sd3Checkpoint(Sd3TransformerConfig config, List<SafetensorsFile> files, PartsWeightSource source,
            NDManager manager, DataType dtype, String description) {
        super(config, files, source, manager, dtype, description);
    }

    @Override
    Sd3Transformer2DModel build(Sd3TransformerConfig config, DeviceWeights weights, DataType dtype) {
        return new Sd3Transformer2DModel(config, weights, dtype);
    }

    /** How SD3 differs when opening: its configuration, marker key, key conversion and other parts. */
    private static final TransformerOpener<Sd3TransformerConfig, Sd3Checkpoint> OPENER =
            new TransformerOpener<>("SD3 transformer", "SD3 single file") {
                @Override
                Sd3TransformerConfig diffusersConfig(JsonConfig json) {
                    return Sd3Checkpoint.diffusersConfig(json);
                }

                @Override
                String prefix(Set<String> names) {
                    return Sd3Checkpoint.prefix(names);
                }

                @Override
                ModelLoadException notSingleFile(Path file) {
                    return new ModelLoadException(file + ": not an SD3 transformer in the original layout (no '"
                            + MARKER + "', bare or under '" + COMFY_PREFIX + "')");
                }

                @Override
                Sd3TransformerConfig singleFileConfig(SafetensorsFile file, String prefix, JsonConfig arch) {
                    return Sd3Checkpoint.singleFileConfig(file, prefix, arch);
                }

                @Override
                Map<String, StoredPart> convert(Sd3TransformerConfig config, SafetensorsFile file, String prefix) {
                    return Sd3Keys.original(config, file, prefix);
                }

                @Override
                Predicate<String> belongs(String prefix) {
                    // A bare file holds only the transformer; under the prefix, the other parts are other models'.
                    return stored -> prefix.isEmpty() ? !otherPart(stored) : stored.startsWith(prefix);
                }

                @Override
                Object model(Sd3TransformerConfig config, Weights weights) {
                    return new Sd3Transformer2DModel(config, weights, DataType.FLOAT32);
                }

                @Override
                String describe(Sd3TransformerConfig config) {
                    return "the SD3 configuration " + Sd3Checkpoint.describe(config);
                }

                @Override
                Sd3Checkpoint create(Sd3TransformerConfig config, List<SafetensorsFile> files,
                        PartsWeightSource source, NDManager manager, DataType dtype, String description) {
                    return new Sd3Checkpoint(config, files, source, manager, dtype, description);
                }
            };

    /**
     * A diffusers folder (transformer or pipeline) or an original single file, with {@code archFile} (may be null:
     * {@code name.arch.json} beside a single file is used when present).
     *
     * @param manager owns the loaded tensors (closed with this checkpoint); its device is the compute device
     */
    public static Sd3Checkpoint open(Path path, Path archFile, DataType dtype, NDManager manager) {
        return OPENER.open(path, archFile, dtype, manager);
    }

    /** A diffusers transformer folder, or a pipeline folder holding {@code transformer/}. */
    public static Sd3Checkpoint openDiffusers(Path folder, DataType dtype, NDManager manager) {
        return OPENER.openDiffusers(folder, dtype, manager);
    }

    /** An original-layout single file, bare or under {@link #COMFY_PREFIX}; {@code archFile} may be null. */
    public static Sd3Checkpoint openSingleFile(Path file, Path archFile, DataType dtype, NDManager manager) {
        return OPENER.openSingleFile(file, archFile, dtype, manager);
    }

    /** Whether a checkpoint's tensor names are an SD3 transformer's, in either layout. */
    public static boolean isSd3(Set<String> names) {
        return prefix(names) != null || names.contains("transformer_blocks.0.attn.add_q_proj.weight")
                && names.contains("pos_embed.pos_embed") && names.contains("context_embedder.weight");
    }

    /**
     * Whether an SD3 single file also holds its text encoders (ComfyUI's {@code text_encoders.clip_l.*},
     * {@code text_encoders.clip_g.*}, optionally {@code text_encoders.t5xxl.*}), as {@code sd3_medium_incl_clips}
     * files do; the plain {@code sd3_medium.safetensors} does not.
     */
    public static boolean includesTextEncoders(Set<String> names) {
        return names.stream().anyMatch(n -> n.startsWith("text_encoders.clip_l."))
                && names.stream().anyMatch(n -> n.startsWith("text_encoders.clip_g."));
    }

    private static boolean otherPart(String stored) {
        return stored.startsWith("text_encoders.") || stored.startsWith("first_stage_model.");
    }

    private static String prefix(Set<String> names) {
        for (String prefix : new String[] {"", COMFY_PREFIX}) {
            if (names.contains(prefix + MARKER)) {
                return prefix;
            }
        }
        return null;
    }

    /** The transformer over the base weights, built (and its tensors read) on first call. */
    public Sd3Transformer2DModel transformer() {
        return model();
    }

    static Sd3TransformerConfig diffusersConfig(JsonConfig json) {
        String className = json.string("_class_name", "SD3Transformer2DModel");
        if (!className.equals("SD3Transformer2DModel")) {
            throw json.error("_class_name", "'" + className + "' is not SD3Transformer2DModel");
        }
        String qkNorm = json.string("qk_norm", null);
        if (qkNorm != null && !qkNorm.equals("rms_norm")) {
            throw json.error("qk_norm", "'" + qkNorm + "' is not supported (SD3.5 uses rms_norm)");
        }
        int in = json.integer("in_channels", 16);
        int heads = json.integer("num_attention_heads", 18);
        int headDim = json.integer("attention_head_dim", 64);
        return new Sd3TransformerConfig(json.integer("patch_size", 2), in, json.integer("out_channels", in),
                json.integer("num_layers", 18), headDim, heads, json.integer("joint_attention_dim", 4096),
                json.integer("caption_projection_dim", heads * headDim),
                json.integer("pooled_projection_dim", 2048), json.integer("pos_embed_max_size", 96),
                qkNorm != null, json.has("dual_attention_layers") ? json.integers("dual_attention_layers")
                        : List.of());
    }

    /**
     * Configuration from the original file's shapes as ComfyUI's model detection reads them, the architecture
     * file overriding ({@code num_heads}, {@code head_dim}, {@code patch_size}, {@code pos_embed_max_size},
     * {@code in_channels}, {@code out_channels}, {@code depth}, {@code context_dim}, {@code pooled_dim},
     * {@code qk_norm}).
     */
    static Sd3TransformerConfig singleFileConfig(SafetensorsFile file, String prefix, JsonConfig arch) {
        long[] patch = shape(file, prefix + "x_embedder.proj.weight");
        int hidden = (int) patch[0];
        int inChannels = (int) patch[1];
        int patchSize = (int) patch[2];
        int table = (int) shape(file, prefix + "pos_embed")[1];
        int maxSize = (int) Math.round(Math.sqrt(table));
        int outFlat = (int) shape(file, prefix + "final_layer.linear.weight")[0];
        int contextDim = (int) shape(file, prefix + "context_embedder.weight")[1];
        int pooledDim = (int) shape(file, prefix + "y_embedder.mlp.0.weight")[1];
        int depth = CheckpointParts.count(file, prefix + "joint_blocks.");
        boolean qkNorm = file.contains(prefix + "joint_blocks.0.x_block.attn.ln_q.weight");
        List<Integer> dual = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            if (CheckpointParts.has(file, prefix + "joint_blocks.", i, "x_block.attn2.qkv.weight")) {
                dual.add(i);
            }
        }
        int headDim = SD3_HEAD_DIM;
        int heads = hidden / headDim;
        int outChannels = outFlat / (patchSize * patchSize);
        if (arch != null) {
            heads = arch.integer("num_heads", heads);
            headDim = arch.integer("head_dim", hidden / heads);
            patchSize = arch.integer("patch_size", patchSize);
            maxSize = arch.integer("pos_embed_max_size", maxSize);
            inChannels = arch.integer("in_channels", inChannels);
            outChannels = arch.integer("out_channels", outChannels);
            depth = arch.integer("depth", depth);
            contextDim = arch.integer("context_dim", contextDim);
            pooledDim = arch.integer("pooled_dim", pooledDim);
            if (arch.has("qk_norm")) {
                String norm = arch.string("qk_norm", null);
                if (!norm.equals("rms_norm")) {
                    throw arch.error("qk_norm", "'" + norm + "' is not supported (SD3.5 uses rms_norm)");
                }
                qkNorm = true;
            }
            if (heads * headDim != hidden) {
                throw arch.error("num_heads", heads + " heads of " + headDim + " do not make the stored hidden width "
                        + hidden);
            }
        } else if (hidden % headDim != 0) {
            throw new ModelLoadException(file.path() + ": hidden width " + hidden + " is not a multiple of SD3's"
                    + " heads of 64; the heads must come from an architecture file");
        }
        return new Sd3TransformerConfig(patchSize, inChannels, outChannels, depth, headDim, heads, contextDim,
                hidden, pooledDim, maxSize, qkNorm, dual);
    }

    static String describe(Sd3TransformerConfig c) {
        return String.format(Locale.ROOT, "(%d joint blocks, %d heads of %d, qk norm %s, %d dual-attention blocks)",
                c.numLayers(), c.numAttentionHeads(), c.attentionHeadDim(), c.qkNorm() ? "rms" : "none",
                c.dualAttentionLayers().size());
    }

    private static long[] shape(SafetensorsFile file, String name) {
        if (!file.contains(name)) {
            throw new ModelLoadException(file.path() + ": SD3 tensor '" + name + "' is missing");
        }
        return file.info(name).shape();
    }
}
