package dev.tessera.sd.nodes.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.runtime.PatchedModels;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.PatchedWeights;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.AutoencoderKL;
import dev.tessera.models.sd.AutoencoderVae;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.CheckpointFamily;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tokenizers.ClipTokenizer;
import dev.tessera.tokenizers.TextTokenizer;
import dev.tessera.tokenizers.TokenizerException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One SD1.x or SDXL checkpoint as the handles share it: the opened checkpoint (components read on first use), its
 * tokenizer, and the UNet and text-encoder variants built for patch lists. Closed by the {@link CheckpointCache}
 * when the last handle over it is closed.
 */
final class SdCheckpoint implements AutoencoderVae.Source, AutoCloseable {

    private final String name;
    private final NDManager manager;
    private final StableDiffusionCheckpoint checkpoint;
    private final ClipTokenizer tokenizer;
    /** SDXL's CLIP-G tokenizer: the same vocabulary, padded with id 0 (ComfyUI's SDXLClipGTokenizer). */
    private final ClipTokenizer tokenizerG;
    private final LatentFormat latentFormat;
    private final PatchedModels<UNet2DConditionModel> unets;
    private final PatchedModels<CLIPTextModel> textEncoders;
    private final PatchedModels<CLIPTextModel> textEncoders2;
    private boolean closed;

    private SdCheckpoint(String name, NDManager manager, StableDiffusionCheckpoint checkpoint,
            ClipTokenizer tokenizer, DataType dtype) {
        this.name = name;
        this.manager = manager;
        this.checkpoint = checkpoint;
        this.tokenizer = tokenizer;
        this.tokenizerG = tokenizer == null || !checkpoint.hasTextEncoder2() ? null
                : new ClipTokenizer(tokenizer.tokenizer(), false);
        LatentFormat family = sdxl(checkpoint) ? LatentFormat.SDXL : LatentFormat.SD1;
        this.latentFormat = checkpoint.hasVae()
                ? family.withScalingFactor(checkpoint.vaeConfig().scalingFactor()) : family;
        this.unets = checkpoint.hasUnet() ? variants("unet", checkpoint::unetWeights, checkpoint::unet,
                w -> new UNet2DConditionModel(checkpoint.unetConfig(), w, dtype), manager, dtype) : null;
        // SDXL's two encoders are clip_l and clip_g (ComfyUI's names): LoRA tables tell lora_te1_ from lora_te2_ by them.
        this.textEncoders = checkpoint.hasTextEncoder() ? variants(sdxl(checkpoint) ? "clip_l" : "text_encoder",
                checkpoint::textEncoderWeights, checkpoint::textEncoder,
                w -> new CLIPTextModel(checkpoint.textEncoderConfig(), w, dtype), manager, dtype) : null;
        this.textEncoders2 = checkpoint.hasTextEncoder2() ? variants("clip_g", checkpoint::textEncoder2Weights,
                checkpoint::textEncoder2, w -> new CLIPTextModel(checkpoint.textEncoder2Config(), w, dtype), manager,
                dtype) : null;
    }

    /** The variants of one component over its base weights (read on first use), built by {@code build}. */
    private static <M> PatchedModels<M> variants(String component, Supplier<Weights> weights, Supplier<M> base,
            Function<Weights, M> build, NDManager manager, DataType dtype) {
        return new PatchedModels<>(component, component, PatchedModels.base(base, () -> ParameterSpecs.of(build),
                (name, shape) -> weights.get().get(name, shape),
                replaced -> build.apply(new PatchedWeights(weights.get(), replaced))), manager, dtype);
    }

    private static boolean sdxl(StableDiffusionCheckpoint checkpoint) {
        return checkpoint.family() == CheckpointFamily.SDXL;
    }

    /** Whether this is an SDXL checkpoint (two text encoders, added conditioning). */
    boolean isSdxl() {
        return sdxl(checkpoint);
    }

    /**
     * Opens {@code file} (with {@code arch}, nullable, as its architecture file) and, when it has a text encoder,
     * the first tokenizer of {@code tokenizerFolders} (none when the list is empty: text can then not be encoded,
     * token ids can).
     *
     * @throws ModelLoadException naming the file when it is not a usable SD1.x checkpoint
     * @throws dev.tessera.tokenizers.TokenizerException naming every folder looked in when no tokenizer is found
     */
    static SdCheckpoint open(Path file, Path arch, List<Path> tokenizerFolders, Device device, DataType dtype,
            NDManager manager) {
        StableDiffusionCheckpoint checkpoint = null;
        TextTokenizer text = null;
        try {
            checkpoint = arch == null ? StableDiffusionCheckpoint.open(file, device, dtype, manager)
                    : StableDiffusionCheckpoint.openSingleFile(file, arch, device, dtype, manager);
            requireSupported(file, checkpoint);
            ClipTokenizer tokenizer = null;
            if (checkpoint.hasTextEncoder() && !tokenizerFolders.isEmpty()) {
                text = tokenizer(file, tokenizerFolders);
                tokenizer = ClipTokenizer.sd1(text);
                requireFits(file, tokenizer, checkpoint.textEncoderConfig());
                if (checkpoint.hasTextEncoder2()) {
                    requireFits(file, tokenizer, checkpoint.textEncoder2Config());
                }
            }
            return new SdCheckpoint(file.getFileName().toString(), manager, checkpoint, tokenizer, dtype);
        } catch (RuntimeException e) {
            if (text != null) {
                text.close();
            }
            if (checkpoint != null) {
                checkpoint.close();
            }
            throw e;
        }
    }

    private static TextTokenizer tokenizer(Path file, List<Path> folders) {
        try {
            return TextTokenizer.fromFirstFolder(folders);
        } catch (TokenizerException e) {
            throw new ModelLoadException(file + ": its text encoder needs a CLIP tokenizer"
                    + (java.nio.file.Files.isDirectory(file) ? "" : ", which single-file checkpoints do not carry")
                    + ": " + e.getMessage() + ". Put the tokenizer/ folder of an SD1.x diffusers"
                    + " model (tokenizer.json, or vocab.json and merges.txt) in the first of these folders.", e);
        }
    }

    private static void requireSupported(Path file, StableDiffusionCheckpoint checkpoint) {
        if (sdxl(checkpoint) && checkpoint.hasTextEncoder() != checkpoint.hasTextEncoder2()) {
            throw new ModelLoadException(file + ": an SDXL checkpoint with only one of its two text encoders (CLIP-L: "
                    + checkpoint.hasTextEncoder() + ", OpenCLIP-G: " + checkpoint.hasTextEncoder2() + ")");
        }
        if (!checkpoint.hasUnet()) {
            throw new ModelLoadException(file + ": no UNet (model.diffusion_model.*): not a complete checkpoint (a VAE"
                    + " file belongs in the vae folder)");
        }
        UNet2DConditionConfig unet = checkpoint.unetConfig();
        if (unet.inChannels() != unet.outChannels()) {
            throw new ModelLoadException(file + ": the UNet takes " + unet.inChannels() + " input channels and predicts "
                    + unet.outChannels() + " (an inpainting checkpoint); only text-to-image SD1.x and SDXL UNets are"
                    + " supported");
        }
        if (checkpoint.hasVae() && checkpoint.vaeConfig().latentChannels() != unet.outChannels()) {
            throw new ModelLoadException(file + ": the VAE has " + checkpoint.vaeConfig().latentChannels()
                    + " latent channels, the UNet " + unet.outChannels());
        }
    }

    /** A tokenizer from another model gives ids the embedding table does not have: refuse it before any encode. */
    private static void requireFits(Path file, ClipTokenizer tokenizer, CLIPTextConfig config) {
        long largest = Math.max(tokenizer.startToken(), Math.max(tokenizer.endToken(), tokenizer.padToken()));
        if (largest >= config.vocabSize()) {
            throw new ModelLoadException(file + ": the tokenizer " + tokenizer.tokenizer().source() + " uses token id "
                    + largest + " but the text encoder's vocabulary has " + config.vocabSize() + " ids: the tokenizer"
                    + " does not belong to this checkpoint");
        }
    }

    String name() {
        return name;
    }

    StableDiffusionCheckpoint checkpoint() {
        return checkpoint;
    }

    boolean hasTextEncoder() {
        return checkpoint.hasTextEncoder();
    }

    boolean hasVae() {
        return checkpoint.hasVae();
    }

    /** The CLIP tokenizer; fails naming the checkpoint when it was opened without one. */
    ClipTokenizer tokenizer() {
        if (tokenizer == null) {
            throw new IllegalStateException(name + " was opened without a tokenizer: only token ids can be encoded");
        }
        return tokenizer;
    }

    /** SDXL's CLIP-G tokenizer (pads with 0); fails like {@link #tokenizer()} without one. */
    ClipTokenizer tokenizerG() {
        if (tokenizerG == null) {
            throw new IllegalStateException(name + " was opened without a tokenizer or is not SDXL: its second text"
                    + " encoder cannot encode text");
        }
        return tokenizerG;
    }

    LatentFormat latentFormat() {
        return latentFormat;
    }

    @Override
    public LatentFormat vaeFormat() {
        return latentFormat;
    }

    @Override
    public AutoencoderKL vae() {
        return checkpoint.vae();
    }

    PatchedModels<UNet2DConditionModel> unets() {
        return unets;
    }

    PatchedModels<CLIPTextModel> textEncoders() {
        return textEncoders;
    }

    /** SDXL's second text encoder's variants, or null for SD1.x. */
    PatchedModels<CLIPTextModel> textEncoders2() {
        return textEncoders2;
    }

    /** Idempotent: the cache's deactivation may close it before the last handle does. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (unets != null) {
            unets.close();
        }
        if (textEncoders != null) {
            textEncoders.close();
        }
        if (textEncoders2 != null) {
            textEncoders2.close();
        }
        if (tokenizer != null) {
            tokenizer.tokenizer().close();
        }
        checkpoint.close();
        manager.close();
    }

    @Override
    public String toString() {
        return "checkpoint " + name;
    }
}
