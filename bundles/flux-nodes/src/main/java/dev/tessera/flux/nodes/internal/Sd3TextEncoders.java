package dev.tessera.flux.nodes.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.core.DeviceWeights;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.loading.JsonConfig;
import dev.tessera.models.dit.Sd3TextConditioning;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.t5.T5Config;
import dev.tessera.models.t5.T5Tokenizer;
import dev.tessera.models.t5.loading.T5EncoderCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tokenizers.ClipTokenizer;
import dev.tessera.tokenizers.TextTokenizer;
import dev.tessera.tokenizers.TokenizerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens SD3's text encoders: from the one to three files TripleCLIPLoader, DualCLIPLoader or CLIPLoader name (type
 * {@code sd3}, any order, told apart by their tensors), or from an SD3 checkpoint that includes them
 * ({@code text_encoders.clip_l.transformer.*}, {@code text_encoders.clip_g.transformer.*},
 * {@code text_encoders.t5xxl.transformer.*}).
 *
 * <p>Which CLIP file is CLIP-G: as ComfyUI's {@code detect_te_model}, one with a 31st layer (OpenCLIP bigG has 32,
 * CLIP-L 12); for smaller models, one with a text projection and gelu (CLIP-L uses quick_gelu). Of two CLIPs that this
 * does not tell apart, the wider is CLIP-G, and at equal widths the one named second. Tokenizers as for FLUX
 * ({@link FluxTextEncoders}): CLIP's in {@code <name>.tokenizer/} beside the file or {@code models/tokenizers/clip_l/}
 * (CLIP-G uses the same vocabulary, padded with 0), T5's in its transformers folder, {@code <name>.tokenizer/} or
 * {@code models/tokenizers/t5xxl/}.
 */
public final class Sd3TextEncoders {

    /** Key prefixes of the encoders inside an SD3 checkpoint (ComfyUI's and Stability's all-in-one files). */
    static final String CLIP_L_PREFIX = "text_encoders.clip_l.transformer.text_model.";
    static final String CLIP_G_PREFIX = "text_encoders.clip_g.transformer.text_model.";
    static final String T5_PREFIX = "text_encoders.t5xxl.transformer.";

    private Sd3TextEncoders() {}

    /**
     * The encoders of {@code files} (1 to 3: at most two CLIPs and one T5).
     *
     * @param tokenizers the {@code models/tokenizers} folder
     * @param manager owned by the result (closed with its last handle); its device is the compute device
     * @throws FluxTextEncoders.InputException naming the file (by index) that is wrong
     */
    public static Sd3TextEncoder open(List<Path> files, Path tokenizers, DataType dtype, NDManager manager) {
        List<Integer> clipIndices = new ArrayList<>();
        int t5Index = -1;
        for (int i = 0; i < files.size(); i++) {
            Path path = files.get(i);
            if (Files.isDirectory(path) || !path.getFileName().toString().endsWith(".safetensors")) {
                throw new FluxTextEncoders.InputException(i, path + ": expected a .safetensors file (for a"
                        + " transformers folder, pick its model.safetensors)", null);
            }
            boolean t5;
            boolean clip;
            try (SafetensorsFile file = SafetensorsFile.open(path)) {
                t5 = file.names().stream().anyMatch(n -> n.endsWith(FluxTextEncoders.T5_FINAL_NORM));
                clip = ClipLFile.prefixOf(file.names()) != null;
            } catch (RuntimeException e) {
                throw new FluxTextEncoders.InputException(i, path + ": " + e.getMessage(), e);
            }
            if (t5 && clip) {
                throw new FluxTextEncoders.InputException(i, path + ": holds both T5 and CLIP encoders (an SD3"
                        + " checkpoint with its text encoders?): load it with CheckpointLoaderSimple", null);
            }
            if (t5 == clip) {
                throw new FluxTextEncoders.InputException(i, path + ": neither a T5 encoder ('"
                        + FluxTextEncoders.T5_FINAL_NORM + "') nor a CLIP text encoder ('" + ClipLFile.TOKEN_EMBEDDING
                        + "'); SD3 takes CLIP-L, CLIP-G and T5-XXL", null);
            }
            if (t5) {
                if (t5Index >= 0) {
                    throw new FluxTextEncoders.InputException(i, path + ": a second T5 encoder (the first is "
                            + files.get(t5Index).getFileName() + "); SD3 takes one", null);
                }
                t5Index = i;
            } else {
                if (clipIndices.size() == 2) {
                    throw new FluxTextEncoders.InputException(i, path + ": a third CLIP text encoder; SD3 takes"
                            + " CLIP-L and CLIP-G", null);
                }
                clipIndices.add(i);
            }
        }
        List<AutoCloseable> opened = new ArrayList<>();
        int stage = -1;
        try {
            ClipLFile[] clips = new ClipLFile[clipIndices.size()];
            for (int c = 0; c < clips.length; c++) {
                stage = clipIndices.get(c);
                SafetensorsFile stored = SafetensorsFile.open(files.get(stage));
                try {
                    clips[c] = ClipLFile.open(files.get(stage), stored);
                } catch (RuntimeException e) {
                    stored.close();
                    throw e;
                }
                opened.add(clips[c]);
            }
            int gAt = clipG(clips);
            Sd3TextEncoder.Clip clipL = null;
            Sd3TextEncoder.Clip clipG = null;
            for (int c = 0; c < clips.length; c++) {
                stage = clipIndices.get(c);
                Path path = files.get(stage);
                Sd3TextEncoder.Clip clip = clip(path.getFileName().toString(), clips[c], c == gAt,
                        FluxTextEncoders.clipTokenizer(path, tokenizers.resolve("clip_l")), manager, dtype);
                opened.remove(clips[c]);
                opened.add(clip::close);
                if (c == gAt) {
                    clipG = clip;
                } else {
                    clipL = clip;
                }
            }
            T5EncoderCheckpoint t5 = null;
            T5Tokenizer t5Tokenizer = null;
            String t5Name = null;
            if (t5Index >= 0) {
                stage = t5Index;
                Path t5Path = files.get(t5Index);
                boolean folder = t5Path.getFileName().toString().startsWith("model")
                        && Files.isRegularFile(t5Path.resolveSibling("config.json"));
                t5 = T5EncoderCheckpoint.open(folder ? t5Path.getParent() : t5Path, manager.getDevice(), dtype,
                        manager);
                opened.add(t5);
                t5Tokenizer = T5Tokenizer.fromFolder(FluxTextEncoders.tokenizerFolder(t5Path, folder,
                        tokenizers.resolve("t5xxl"), "T5"));
                opened.add(t5Tokenizer);
                t5Name = folder ? t5Path.getParent().getFileName() + "/" + t5Path.getFileName()
                        : t5Path.getFileName().toString();
            }
            stage = t5Index >= 0 ? t5Index : clipIndices.get(clipIndices.size() - 1);
            Sd3TextConditioning.Widths widths = widths(clipL, clipG, t5, t5Name);
            List<String> names = new ArrayList<>();
            files.forEach(f -> names.add(f.getFileName().toString()));
            return new Sd3TextEncoder(new Sd3TextEncoder.Parts(String.join(" + ", names), clipL, clipG, t5,
                    t5Tokenizer, widths, manager));
        } catch (ModelLoadException | TokenizerException | IllegalArgumentException e) {
            closeAll(opened);
            throw e instanceof FluxTextEncoders.InputException ? e
                    : new FluxTextEncoders.InputException(Math.max(stage, 0), e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /**
     * The encoders inside an SD3 checkpoint (those of the three it has), configured from their shapes and the
     * sections {@code clip_l}, {@code clip_g} ({@code num_attention_heads}, {@code hidden_act},
     * {@code eos_token_id}) and {@code t5xxl} ({@code relative_attention_max_distance}) of its architecture file
     * {@code <name>.arch.json} when present; tokenizers from {@code <name>.tokenizer/} beside it (CLIP) or
     * {@code <name>.t5-tokenizer/}, else the shared folders.
     *
     * @throws ModelLoadException naming the file when an encoder in it is not usable
     */
    public static Sd3TextEncoder openCheckpoint(Path file, Path tokenizers, DataType dtype, NDManager manager) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            java.util.Set<String> names;
            try (SafetensorsFile stored = SafetensorsFile.open(file)) {
                names = java.util.Set.copyOf(stored.names());
            }
            Path archFile = file.resolveSibling(file.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "")
                    + ".arch.json");
            JsonConfig arch = Files.isRegularFile(archFile) ? JsonConfig.read(archFile) : null;
            Sd3TextEncoder.Clip clipL = null;
            Sd3TextEncoder.Clip clipG = null;
            for (boolean g : new boolean[] {false, true}) {
                String prefix = g ? CLIP_G_PREFIX : CLIP_L_PREFIX;
                if (!names.contains(prefix + ClipLFile.TOKEN_EMBEDDING)) {
                    continue;
                }
                SafetensorsFile stored = SafetensorsFile.open(file);
                ClipLFile weights;
                try {
                    String section = g ? "clip_g" : "clip_l";
                    weights = ClipLFile.openEmbedded(file, stored, prefix, g ? "gelu" : "quick_gelu",
                            arch != null && arch.has(section) ? arch.section(section) : null);
                } catch (RuntimeException e) {
                    stored.close();
                    throw e;
                }
                opened.add(weights);
                Sd3TextEncoder.Clip clip = clip(file.getFileName() + (g ? " clip_g" : " clip_l"), weights, g,
                        FluxTextEncoders.clipTokenizer(file, tokenizers.resolve("clip_l")), manager, dtype);
                opened.remove(weights);
                opened.add(clip::close);
                if (g) {
                    clipG = clip;
                } else {
                    clipL = clip;
                }
            }
            T5EncoderCheckpoint t5 = null;
            T5Tokenizer t5Tokenizer = null;
            if (names.stream().anyMatch(n -> n.startsWith(T5_PREFIX))) {
                t5 = T5EncoderCheckpoint.open(file, manager.getDevice(), dtype, manager);
                if (arch != null && arch.has("t5xxl")) {
                    // The one value T5's shapes do not tell; reopened (headers only) with it.
                    T5Config shapes = t5.config();
                    T5Config stated = new T5Config(shapes.vocabSize(), shapes.dModel(), shapes.dKv(), shapes.dFf(),
                            shapes.numLayers(), shapes.numHeads(), shapes.relativeAttentionNumBuckets(),
                            arch.section("t5xxl").integer("relative_attention_max_distance",
                                    shapes.relativeAttentionMaxDistance()), shapes.layerNormEpsilon(),
                            shapes.denseActFn(), shapes.gatedAct());
                    t5.close();
                    t5 = null;
                    t5 = T5EncoderCheckpoint.openSingleFile(file, stated, manager.getDevice(), dtype, manager);
                }
                opened.add(t5);
                Path own = file.resolveSibling(file.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "")
                        + ".t5-tokenizer");
                Path folder = Files.isRegularFile(own.resolve(TextTokenizer.TOKENIZER_JSON)) ? own
                        : tokenizers.resolve("t5xxl");
                if (!Files.isRegularFile(folder.resolve(TextTokenizer.TOKENIZER_JSON))) {
                    throw new TokenizerException(file + ": its T5 encoder needs a T5 tokenizer ("
                            + TextTokenizer.TOKENIZER_JSON + ") in " + own + " or " + folder);
                }
                t5Tokenizer = T5Tokenizer.fromFolder(folder);
                opened.add(t5Tokenizer);
            }
            if (clipL == null && clipG == null && t5 == null) {
                throw new ModelLoadException(file + ": no SD3 text encoders inside (text_encoders.clip_l.*,"
                        + " text_encoders.clip_g.*, text_encoders.t5xxl.*)");
            }
            Sd3TextConditioning.Widths widths = widths(clipL, clipG, t5, t5 == null ? null
                    : file.getFileName() + " t5xxl");
            return new Sd3TextEncoder(new Sd3TextEncoder.Parts(file.getFileName().toString(), clipL, clipG, t5,
                    t5Tokenizer, widths, manager));
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /** The index of the CLIP-G among {@code clips} (see the class comment), or -1 for a lone CLIP-L. */
    static int clipG(ClipLFile[] clips) {
        if (clips.length == 0) {
            return -1;
        }
        if (clips.length == 1) {
            return looksLikeG(clips[0].config()) ? 0 : -1;
        }
        boolean first = looksLikeG(clips[0].config());
        boolean second = looksLikeG(clips[1].config());
        if (first != second) {
            return first ? 0 : 1;
        }
        int widthFirst = clips[0].config().hiddenSize();
        int widthSecond = clips[1].config().hiddenSize();
        return widthFirst > widthSecond ? 0 : 1;
    }

    private static boolean looksLikeG(CLIPTextConfig config) {
        return config.numHiddenLayers() >= ClipLFile.BIG_G_LAYERS
                || (config.projected() && "gelu".equals(config.hiddenAct()));
    }

    private static Sd3TextEncoder.Clip clip(String name, ClipLFile file, boolean g, TextTokenizer text,
            NDManager manager, DataType dtype) {
        DeviceWeights weights = null;
        try {
            if (g && !file.config().projected()) {
                throw new ModelLoadException(name + ": taken as CLIP-G, which needs its text_projection (SD3's pooled"
                        + " vector is CLIP-G's projected pooled output), but it has none");
            }
            ClipTokenizer tokenizer = new ClipTokenizer(text, !g);
            long largest = Math.max(tokenizer.startToken(), Math.max(tokenizer.endToken(), tokenizer.padToken()));
            if (largest >= file.config().vocabSize()) {
                throw new ModelLoadException("the CLIP tokenizer " + text.source() + " uses token id " + largest
                        + " but " + name + "'s vocabulary has " + file.config().vocabSize() + " ids: the tokenizer"
                        + " does not belong to this encoder");
            }
            weights = new DeviceWeights(file, manager.newSubManager(), dtype);
            return new Sd3TextEncoder.Clip(name, file, weights, tokenizer);
        } catch (RuntimeException e) {
            text.close();
            throw e;
        }
    }

    /** The conditioning's widths; refuses CLIP states wider than the T5 width they are padded to, naming the files. */
    private static Sd3TextConditioning.Widths widths(Sd3TextEncoder.Clip clipL, Sd3TextEncoder.Clip clipG,
            T5EncoderCheckpoint t5, String t5Name) {
        Sd3TextConditioning.Widths sd3 = Sd3TextConditioning.Widths.sd3();
        long l = clipL != null ? clipL.width() : sd3.clipL();
        long g = clipG != null ? clipG.width() : sd3.clipG();
        long gPooled = clipG != null ? clipG.weightsFile.config().projectionDim() : sd3.clipGPooled();
        long context = t5 != null ? t5.config().dModel() : sd3.context();
        // CLIP-G's states follow CLIP-L's channels (zeros when CLIP-L is absent); without CLIP-G only CLIP-L's.
        long states = clipG != null ? l + g : clipL != null ? l : 0;
        if (states > context) {
            throw new ModelLoadException((t5Name != null ? t5Name + ": T5 width " + context
                    : "without T5, SD3's T5 width " + context) + " is narrower than the CLIP states it pads: CLIP-L ("
                    + (clipL != null ? clipL.file : "absent, SD3's") + ", " + l + ")"
                    + (clipG != null ? " + CLIP-G (" + clipG.file + ", " + g + ")" : "") + " = " + states
                    + "; these encoders do not belong together");
        }
        return new Sd3TextConditioning.Widths(l, g, gPooled, context);
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception ignored) {
                // already failing; the first error is the one reported
            }
        }
    }
}
