package dev.tessera.models.dit.loading;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.core.DeviceWeights;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.loading.JsonConfig;
import dev.tessera.models.core.loading.PartsWeightSource;
import dev.tessera.models.core.loading.StoredPart;
import dev.tessera.models.dit.FluxTransformer2DModel;
import dev.tessera.models.dit.FluxTransformerConfig;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A FLUX transformer on disk, opened from its headers: configuration resolved, every parameter's name and shape
 * checked against the model before any data is read; {@link #transformer()} then reads the tensors (memory-mapped,
 * one at a time) into the compute dtype on the device.
 *
 * <ul>
 *   <li>diffusers folder: {@code config.json} + {@code diffusion_pytorch_model.safetensors} (or the sharded form
 *       with its {@code .safetensors.index.json}); a pipeline folder with a {@code transformer/} subfolder works too.
 *   <li>BFL single file ({@code flux1-dev.safetensors}, also under ComfyUI's {@code model.diffusion_model.}
 *       prefix): keys converted to diffusers' at this edge; configuration from the shapes, with an architecture
 *       file ({@code name.arch.json} beside it, or given) for what shapes do not tell.
 * </ul>
 */
public final class FluxCheckpoint extends TransformerCheckpoint<FluxTransformerConfig, FluxTransformer2DModel> {

    /** The prefix ComfyUI's all-in-one checkpoints put before the BFL transformer keys. */
    public static final String COMFY_PREFIX = "model.diffusion_model.";

    private FluxCheckpoint(FluxTransformerConfig config, List<SafetensorsFile> files, PartsWeightSource source,
            NDManager manager, DataType dtype, String description) {
        super(config, files, source, manager, dtype, description);
    }

    @Override
    FluxTransformer2DModel build(FluxTransformerConfig config, DeviceWeights weights, DataType dtype) {
        return new FluxTransformer2DModel(config, weights, dtype);
    }

    /** How FLUX differs when opening: its configuration, BFL marker key and key conversion. */
    private static final TransformerOpener<FluxTransformerConfig, FluxCheckpoint> OPENER =
            new TransformerOpener<>("FLUX transformer", "BFL single file") {
                @Override
                FluxTransformerConfig diffusersConfig(JsonConfig json) {
                    return FluxCheckpoint.diffusersConfig(json);
                }

                @Override
                String prefix(Set<String> names) {
                    return bflPrefix(names);
                }

                @Override
                ModelLoadException notSingleFile(Path file) {
                    return new ModelLoadException(file + ": not a FLUX transformer in the BFL layout (no '"
                            + "double_blocks.0.img_attn.qkv.weight', bare or under '" + COMFY_PREFIX + "')");
                }

                @Override
                FluxTransformerConfig singleFileConfig(SafetensorsFile file, String prefix, JsonConfig arch) {
                    return FluxCheckpoint.singleFileConfig(file, prefix, arch);
                }

                @Override
                Map<String, StoredPart> convert(FluxTransformerConfig config, SafetensorsFile file, String prefix) {
                    return FluxKeys.bfl(config, file, prefix);
                }

                @Override
                Predicate<String> belongs(String prefix) {
                    return stored -> stored.startsWith(prefix);
                }

                @Override
                Object model(FluxTransformerConfig config, Weights weights) {
                    return new FluxTransformer2DModel(config, weights, DataType.FLOAT32);
                }

                @Override
                String describe(FluxTransformerConfig config) {
                    return "the FLUX configuration " + FluxCheckpoint.describe(config);
                }

                @Override
                FluxCheckpoint create(FluxTransformerConfig config, List<SafetensorsFile> files,
                        PartsWeightSource source, NDManager manager, DataType dtype, String description) {
                    return new FluxCheckpoint(config, files, source, manager, dtype, description);
                }
            };

    /**
     * A diffusers folder (transformer or whole pipeline) or a BFL single file, with {@code archFile} (may be null:
     * {@code name.arch.json} beside a single file is used when present).
     *
     * @param manager owns the loaded tensors (closed with this checkpoint); its device is the compute device
     */
    public static FluxCheckpoint open(Path path, Path archFile, DataType dtype, NDManager manager) {
        return OPENER.open(path, archFile, dtype, manager);
    }

    /** A diffusers transformer folder, or a pipeline folder holding {@code transformer/}. */
    public static FluxCheckpoint openDiffusers(Path folder, DataType dtype, NDManager manager) {
        return OPENER.openDiffusers(folder, dtype, manager);
    }

    /** A BFL single file, bare or under {@link #COMFY_PREFIX}; {@code archFile} may be null. */
    public static FluxCheckpoint openSingleFile(Path file, Path archFile, DataType dtype, NDManager manager) {
        return OPENER.openSingleFile(file, archFile, dtype, manager);
    }

    /**
     * Whether a checkpoint's tensor names are a FLUX transformer's, in either layout: what a loader node uses to
     * pick the family from the keys.
     */
    public static boolean isFlux(Set<String> names) {
        return bflPrefix(names) != null || names.contains("transformer_blocks.0.attn.add_q_proj.weight")
                && names.contains("single_transformer_blocks.0.proj_mlp.weight");
    }

    private static String bflPrefix(Set<String> names) {
        for (String prefix : new String[] {"", COMFY_PREFIX}) {
            if (names.contains(prefix + "double_blocks.0.img_attn.qkv.weight")) {
                return prefix;
            }
        }
        return null;
    }

    /** The transformer over the base weights, built (and its tensors read) on first call. */
    public FluxTransformer2DModel transformer() {
        return model();
    }

    static FluxTransformerConfig diffusersConfig(JsonConfig json) {
        String className = json.string("_class_name", "FluxTransformer2DModel");
        if (!className.equals("FluxTransformer2DModel")) {
            throw json.error("_class_name", "'" + className + "' is not FluxTransformer2DModel");
        }
        json.requireUnset("patch_size", 1, "only patch_size 1: FLUX packs 2x2 latents outside the model");
        int in = json.integer("in_channels", 64);
        return new FluxTransformerConfig(in, json.integer("out_channels", in), json.integer("num_layers", 19),
                json.integer("num_single_layers", 38), json.integer("attention_head_dim", 128),
                json.integer("num_attention_heads", 24), json.integer("joint_attention_dim", 4096),
                json.integer("pooled_projection_dim", 768), json.bool("guidance_embeds", false),
                json.has("axes_dims_rope") ? json.integers("axes_dims_rope") : List.of(16, 56, 56),
                json.real("theta", 10000), 4.0);
    }

    /** Configuration from the BFL file's shapes, the architecture file overriding (its keys as BFL's params). */
    static FluxTransformerConfig singleFileConfig(SafetensorsFile file, String prefix, JsonConfig arch) {
        long[] imgIn = shape(file, prefix + "img_in.weight");
        int hidden = (int) imgIn[0];
        int inChannels = (int) imgIn[1];
        int headDim = (int) shape(file, prefix + "double_blocks.0.img_attn.norm.query_norm.scale")[0];
        int mlpHidden = (int) shape(file, prefix + "double_blocks.0.img_mlp.0.weight")[0];
        int outChannels = (int) shape(file, prefix + "final_layer.linear.weight")[0];
        int contextDim = (int) shape(file, prefix + "txt_in.weight")[1];
        int vecDim = (int) shape(file, prefix + "vector_in.in_layer.weight")[1];
        boolean guidance = file.contains(prefix + "guidance_in.in_layer.weight");
        int depth = count(file, prefix + "double_blocks.");
        int depthSingle = count(file, prefix + "single_blocks.");
        double theta = 10000;
        List<Integer> axes = headDim == 128 ? List.of(16, 56, 56) : null;
        int heads = hidden / headDim;
        double mlpRatio = mlpHidden / (double) hidden;
        if (arch != null) {
            hidden = arch.integer("hidden_size", hidden);
            heads = arch.integer("num_heads", heads);
            headDim = arch.integer("head_dim", hidden / heads);
            inChannels = arch.integer("in_channels", inChannels);
            outChannels = arch.integer("out_channels", outChannels);
            contextDim = arch.integer("context_in_dim", contextDim);
            vecDim = arch.integer("vec_in_dim", vecDim);
            guidance = arch.bool("guidance_embed", guidance);
            depth = arch.integer("depth_double", arch.integer("depth", depth));
            depthSingle = arch.integer("depth_single", arch.integer("depth_single_blocks", depthSingle));
            theta = arch.real("rope_theta", arch.real("theta", theta));
            mlpRatio = arch.real("mlp_ratio", mlpRatio);
            if (arch.has("axes_dims_rope")) {
                axes = arch.integers("axes_dims_rope");
            } else if (arch.has("axes_dim")) {
                axes = arch.integers("axes_dim");
            }
            if (heads * headDim != hidden) {
                throw arch.error("num_heads", heads + " heads of " + headDim + " do not make hidden_size " + hidden);
            }
        }
        if (axes == null) {
            throw new ModelLoadException(file.path() + ": heads of " + headDim + " channels are not FLUX.1's 128;"
                    + " the rotary axes (axes_dims_rope) must come from an architecture file");
        }
        return new FluxTransformerConfig(inChannels, outChannels, depth, depthSingle, headDim, heads, contextDim,
                vecDim, guidance, axes, theta, mlpRatio);
    }

    static String describe(FluxTransformerConfig c) {
        return String.format(Locale.ROOT, "(%d double + %d single blocks, %d heads of %d, guidance %s)",
                c.numLayers(), c.numSingleLayers(), c.numAttentionHeads(), c.attentionHeadDim(),
                c.guidanceEmbeds() ? "embedded" : "none");
    }

    private static long[] shape(SafetensorsFile file, String name) {
        if (!file.contains(name)) {
            throw new ModelLoadException(file.path() + ": BFL FLUX tensor '" + name + "' is missing");
        }
        return file.info(name).shape();
    }

    private static int count(SafetensorsFile file, String prefix) {
        return CheckpointParts.count(file, prefix);
    }

}
