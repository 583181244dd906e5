package dev.tessera.flux.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.model.api.ParameterView;
import dev.tessera.models.core.DeviceWeights;
import dev.tessera.models.dit.Sd3TextConditioning;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.ClipConditioning;
import dev.tessera.models.t5.T5Tokenizer;
import dev.tessera.models.t5.T5Tokens;
import dev.tessera.models.t5.loading.T5EncoderCheckpoint;
import dev.tessera.tensor.TensorScope;
import dev.tessera.tokenizers.ClipTokenizer;
import dev.tessera.tokenizers.PromptLimits;
import dev.tessera.tokenizers.PromptTooLongException;
import dev.tessera.tokenizers.WeightedTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ComfyUI's CLIP for SD3 / SD3.5 (its {@code SD3ClipModel}): CLIP-L and CLIP-G encode their prompts at the
 * penultimate layer without the final norm (weights as ComfyUI applies them, window by window), T5-XXL encodes its
 * prompt (ComfyUI's SD3 tokenization: at least 77 tokens, no truncation, no attention mask), and
 * {@link Sd3TextConditioning} joins them. Any of the three may be absent (CLIPLoader, DualCLIPLoader with type
 * {@code sd3}); the widths of an absent one are SD3's. The T5 prompt is taken as plain text, as for FLUX. Handles
 * share the loaded encoders, closed with the last handle.
 */
public final class Sd3TextEncoder implements TextEncoder {

    /** ComfyUI's SD3 CLIP layer: hidden_states[-2] for both CLIPs, without final norm. */
    static final int DEFAULT_LAYER = -2;
    /** ComfyUI's {@code T5XXLTokenizer(min_length=77)}. */
    static final int T5_MIN_TOKENS = 77;

    /** One loaded CLIP: its file, weights and tokenizer (CLIP-G pads with 0, CLIP-L with the end token). */
    static final class Clip {
        final String file;
        final ClipLFile weightsFile;
        final DeviceWeights weights;
        final ClipTokenizer tokenizer;
        private CLIPTextModel model;

        Clip(String file, ClipLFile weightsFile, DeviceWeights weights, ClipTokenizer tokenizer) {
            this.file = file;
            this.weightsFile = weightsFile;
            this.weights = weights;
            this.tokenizer = tokenizer;
        }

        synchronized CLIPTextModel model() {
            if (model == null) {
                model = new CLIPTextModel(weightsFile.config(), weights, weights.dataType());
            }
            return model;
        }

        long width() {
            return weightsFile.config().hiddenSize();
        }

        void close() {
            model = null;
            weights.close();
            weightsFile.close();
            tokenizer.tokenizer().close();
        }
    }

    /** The loaded encoders, shared by handles; each of the three may be null. */
    public static final class Parts {
        private final String name;
        private final Clip clipL;
        private final Clip clipG;
        private final T5EncoderCheckpoint t5;
        private final T5Tokenizer t5Tokenizer;
        private final Sd3TextConditioning.Widths widths;
        private final NDManager manager;
        private final AtomicInteger refs = new AtomicInteger();

        /** Takes ownership of everything given: all is closed when the last handle closes. */
        Parts(String name, Clip clipL, Clip clipG, T5EncoderCheckpoint t5, T5Tokenizer t5Tokenizer,
                Sd3TextConditioning.Widths widths, NDManager manager) {
            this.name = name;
            this.clipL = clipL;
            this.clipG = clipG;
            this.t5 = t5;
            this.t5Tokenizer = t5Tokenizer;
            this.widths = widths;
            this.manager = manager;
        }

        /** The widths of the conditioning this gives (the MMDiT's joint_attention_dim and pooled_projection_dim). */
        public Sd3TextConditioning.Widths widths() {
            return widths;
        }

        void close() {
            if (clipL != null) {
                clipL.close();
            }
            if (clipG != null) {
                clipG.close();
            }
            if (t5Tokenizer != null) {
                t5Tokenizer.close();
            }
            if (t5 != null) {
                t5.close();
            }
            manager.close();
        }
    }

    private final Parts parts;
    private final int lastLayer;
    private final List<ModelPatch> patches;
    private boolean closed;

    /** The first handle on {@code parts}. */
    public Sd3TextEncoder(Parts parts) {
        this(parts, DEFAULT_LAYER, List.of());
    }

    private Sd3TextEncoder(Parts parts, int lastLayer, List<ModelPatch> patches) {
        this.parts = parts;
        this.lastLayer = lastLayer;
        this.patches = List.copyOf(patches);
        parts.refs.incrementAndGet();
    }

    public Parts parts() {
        return parts;
    }

    @Override
    public String family() {
        return "sd3";
    }

    /** The CLIPs' layer count (the smaller of the two): CLIPSetLastLayer applies to both, as in ComfyUI. */
    @Override
    public int layerCount() {
        int layers = Integer.MAX_VALUE;
        for (Clip clip : new Clip[] {parts.clipL, parts.clipG}) {
            if (clip != null) {
                layers = Math.min(layers, clip.weightsFile.config().numHiddenLayers());
            }
        }
        return layers == Integer.MAX_VALUE ? 0 : layers;
    }

    @Override
    public int lastLayer() {
        return lastLayer;
    }

    @Override
    public TextEncoder withLastLayer(int layer) {
        int layers = layerCount();
        if (layer > -1 || layer < -layers) {
            throw new IllegalArgumentException("layer " + layer + " does not exist: the CLIPs of " + parts.name
                    + " have " + layers + " layers (-1 to -" + layers + ")");
        }
        return new Sd3TextEncoder(parts, layer, patches);
    }

    @Override
    public List<ModelPatch> patches() {
        return patches;
    }

    /**
     * A weight patch that changes none of the CLIPs' weights (a LoRA without text-encoder modules through
     * LoraLoader, or strength 0) is kept; one that would change them is refused: LoRA on SD3's text encoders is not
     * supported yet.
     */
    @Override
    public TextEncoder withPatch(ModelPatch patch) {
        List<ParameterView> views = new ArrayList<>();
        if (parts.clipL != null) {
            views.add(parts.clipL.weightsFile.view(parts.clipL.weights, "clip_l", "CLIP-L of " + parts.name));
        }
        if (parts.clipG != null) {
            views.add(parts.clipG.weightsFile.view(parts.clipG.weights, "clip_g", "CLIP-G of " + parts.name));
        }
        ClipLFile.refuseChanges(patch, "SD3's", views, parts.manager);
        List<ModelPatch> more = new ArrayList<>(patches);
        more.add(patch);
        return new Sd3TextEncoder(parts, lastLayer, more);
    }

    /** CLIPTextEncode: the same prompt for all three encoders. */
    @Override
    public Conditioning encode(String text, NDManager owner) {
        return encode(text, text, text, true, owner);
    }

    /**
     * ComfyUI's CLIPTextEncodeSD3: each encoder its own prompt; with {@code emptyPadding} false (ComfyUI's
     * {@code empty_padding = none}) an empty prompt gives that encoder no tokens, so it contributes nothing (T5: no
     * tokens appended; both CLIPs: no CLIP states, zero pooled vector). CLIP-L and CLIP-G are padded with empty
     * windows to the same number of windows.
     *
     * @param owner takes ownership of the result's tensors
     */
    public Conditioning encode(String clipL, String clipG, String t5xxl, boolean emptyPadding, NDManager owner) {
        String tooLong = PromptLimits.fromSystemProperties().charProblem(t5xxl);
        if (tooLong != null) {
            throw new PromptTooLongException(tooLong);
        }
        WeightedTokens l = clipL.isEmpty() && !emptyPadding ? null : tokens(parts.clipL, clipL);
        WeightedTokens g = clipG.isEmpty() && !emptyPadding ? null : tokens(parts.clipG, clipG);
        // ComfyUI pads the side with fewer windows with empty windows, also a side without tokens.
        if (l == null && g != null) {
            l = tokens(parts.clipL, "");
        } else if (g == null && l != null) {
            g = tokens(parts.clipG, "");
        }
        WeightedTokens tokensL = l;
        WeightedTokens tokensG = g;
        T5Tokens t5Tokens = parts.t5 == null || (t5xxl.isEmpty() && !emptyPadding) ? null
                : parts.t5Tokenizer.encodeAtLeast(t5xxl, T5_MIN_TOKENS);
        NDList out = TensorScope.keepAll(() -> {
            int windows = Math.max(tokensL == null ? 0 : tokensL.windows(), tokensG == null ? 0 : tokensG.windows());
            NDList lOut = parts.clipL == null || tokensL == null ? null : clip(parts.clipL, tokensL, windows, owner);
            NDList gOut = parts.clipG == null || tokensG == null ? null : clip(parts.clipG, tokensG, windows, owner);
            NDArray t5 = t5Tokens == null ? null : parts.t5.model().forward(t5Tokens.idsArray(owner));
            return Sd3TextConditioning.compose(lOut == null ? null : lOut.get(0), lOut == null ? null : lOut.get(1),
                    gOut == null ? null : gOut.get(0),
                    gOut == null ? null : parts.clipG.model().project(gOut.get(1)), t5, parts.widths, owner);
        });
        return Conditioning.owning(owner, List.of(new Conditioning.Entry(out.get(0), out.get(1), Map.of())));
    }

    /** The tokens of {@code text} for {@code clip}, or null when that encoder is absent. */
    private static WeightedTokens tokens(Clip clip, String text) {
        return clip == null ? null : clip.tokenizer.tokenizeWithWeights(text);
    }

    private NDList clip(Clip clip, WeightedTokens tokens, int windows, NDManager manager) {
        return ClipConditioning.encode(clip.model(),
                ClipConditioning.padWindows(tokens.allIds(), tokens.emptyWindow(), windows),
                ClipConditioning.padWeights(tokens.allWeights(), tokens.emptyWindow().length, windows), windows,
                tokens.emptyWindow(), lastLayer, false, manager);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (parts.refs.decrementAndGet() == 0) {
                parts.close();
            }
        }
    }

    @Override
    public String toString() {
        return "CLIP[sd3: " + parts.name + "]";
    }
}
