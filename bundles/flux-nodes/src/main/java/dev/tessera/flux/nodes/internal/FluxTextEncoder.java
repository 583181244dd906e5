package dev.tessera.flux.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.ParameterView;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.models.core.DeviceWeights;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.t5.T5Tokenizer;
import dev.tessera.models.t5.T5Tokens;
import dev.tessera.models.t5.loading.T5EncoderCheckpoint;
import dev.tessera.tensor.TensorScope;
import dev.tessera.tokenizers.ClipTokenizer;
import dev.tessera.tokenizers.PromptLimits;
import dev.tessera.tokenizers.PromptTooLongException;
import dev.tessera.tokenizers.TextTokenizer;
import dev.tessera.tokenizers.WeightedTokens;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ComfyUI's CLIP for FLUX (its {@code FluxClipModel}): T5's last hidden states [1, maxLength, d_model] become the
 * conditioning's embeddings and CLIP-L's pooled output [1, width] (the final-normed state at the end token of the
 * first 77-token window) its pooled vector. T5 runs without an attention mask and pads to {@code maxLength}
 * (diffusers' FLUX call; 512 for FLUX.1-dev and Kontext). ComfyUI's weighting syntax is read by the CLIP
 * tokenizer (weights do not change a pooled output); the T5 prompt is taken as plain text. Handles share the
 * loaded encoders, closed with the last handle.
 */
public final class FluxTextEncoder implements TextEncoder {

    /** The loaded encoders and tokenizers, shared by handles. */
    public static final class Parts {
        private final String name;
        private final T5EncoderCheckpoint t5;
        private final T5Tokenizer t5Tokenizer;
        private final int t5MaxLength;
        private final ClipLFile clipFile;
        private final DeviceWeights clipWeights;
        private final ClipTokenizer clipTokenizer;
        private final TextTokenizer clipText;
        private final NDManager manager;
        private final AtomicInteger refs = new AtomicInteger();
        private CLIPTextModel clip;

        /** Takes ownership of everything given: all is closed when the last handle closes. */
        Parts(String name, T5EncoderCheckpoint t5, T5Tokenizer t5Tokenizer, int t5MaxLength, ClipLFile clipFile,
                DeviceWeights clipWeights, TextTokenizer clipText, NDManager manager) {
            this.name = name;
            this.manager = manager;
            this.t5 = t5;
            this.t5Tokenizer = t5Tokenizer;
            this.t5MaxLength = t5MaxLength;
            this.clipFile = clipFile;
            this.clipWeights = clipWeights;
            this.clipText = clipText;
            this.clipTokenizer = ClipTokenizer.sd1(clipText);
            long largest = Math.max(clipTokenizer.startToken(), Math.max(clipTokenizer.endToken(),
                    clipTokenizer.padToken()));
            if (largest >= clipFile.config().vocabSize()) {
                throw new IllegalArgumentException("the CLIP tokenizer " + clipText.source() + " uses token id "
                        + largest + " but " + name + "'s CLIP vocabulary has " + clipFile.config().vocabSize()
                        + " ids: the tokenizer does not belong to this encoder");
            }
            if (t5Tokenizer.eosTokenId() >= t5.config().vocabSize()) {
                throw new IllegalArgumentException("the T5 tokenizer's </s> id " + t5Tokenizer.eosTokenId()
                        + " is outside the T5 vocabulary of " + t5.config().vocabSize() + " ids");
            }
        }

        synchronized CLIPTextModel clip() {
            if (clip == null) {
                clip = new CLIPTextModel(clipFile.config(), clipWeights, clipWeights.dataType());
            }
            return clip;
        }

        /** CLIP-L's weights as a text encoder's parameters, for weight patches to read (read only). */
        ParameterView clipView() {
            return clipFile.view(clipWeights, "text_encoder", "CLIP-L of " + name);
        }

        /** T5's width (the DiT's joint_attention_dim must equal it). */
        public long t5Width() {
            return t5.config().dModel();
        }

        /** CLIP-L's width (the DiT's pooled_projection_dim must equal it). */
        public long clipWidth() {
            return clipFile.config().hiddenSize();
        }

        void close() {
            clip = null;
            clipWeights.close();
            clipFile.close();
            clipText.close();
            t5Tokenizer.close();
            t5.close();
            manager.close();
        }
    }

    private final Parts parts;
    private final int lastLayer;
    private final List<ModelPatch> patches;
    private boolean closed;

    /** The first handle on {@code parts}. */
    public FluxTextEncoder(Parts parts) {
        this(parts, -1, List.of());
    }

    private FluxTextEncoder(Parts parts, int lastLayer, List<ModelPatch> patches) {
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
        return "flux";
    }

    @Override
    public int layerCount() {
        return parts.clipFile.config().numHiddenLayers();
    }

    @Override
    public int lastLayer() {
        return lastLayer;
    }

    /** Kept for CLIPSetLastLayer; as in ComfyUI it changes nothing FLUX uses (the pooled output is the final layer's). */
    @Override
    public TextEncoder withLastLayer(int layer) {
        if (layer > -1 || layer < -layerCount()) {
            throw new IllegalArgumentException("layer " + layer + " does not exist: CLIP-L of " + parts.name
                    + " has " + layerCount() + " layers (-1 to -" + layerCount() + ")");
        }
        return new FluxTextEncoder(parts, layer, patches);
    }

    @Override
    public List<ModelPatch> patches() {
        return patches;
    }

    /**
     * A weight patch that changes none of CLIP-L's weights (a LoRA with no text-encoder modules, as most FLUX LoRAs,
     * through LoraLoader; or strength 0): a new handle carrying it, encoding as this one does. A patch that would
     * change them is refused: LoRA on FLUX's text encoders is not supported yet.
     */
    @Override
    public TextEncoder withPatch(ModelPatch patch) {
        ClipLFile.refuseChanges(patch, "FLUX's", List.of(parts.clipView()), parts.manager);
        List<ModelPatch> more = new java.util.ArrayList<>(patches);
        more.add(patch);
        return new FluxTextEncoder(parts, lastLayer, more);
    }

    @Override
    public Conditioning encode(String text, NDManager owner) {
        return encode(text, text, owner);
    }

    /**
     * CLIPTextEncodeFlux's two prompts: {@code clipL} gives the pooled vector, {@code t5xxl} the hidden states.
     *
     * @param owner takes ownership of the result's tensors
     */
    public Conditioning encode(String clipL, String t5xxl, NDManager owner) {
        WeightedTokens clipTokens = parts.clipTokenizer.tokenizeWithWeights(clipL);
        // T5 keeps at most t5MaxLength tokens, but its tokenizer would still read the whole text: the same limit.
        String tooLong = PromptLimits.fromSystemProperties().charProblem(t5xxl);
        if (tooLong != null) throw new PromptTooLongException(tooLong);
        T5Tokens t5Tokens = parts.t5Tokenizer.encode(t5xxl, parts.t5MaxLength);
        CLIPTextModel clip = parts.clip();
        NDList out = TensorScope.keepAll(() -> {
            NDArray clipIds = owner.create(clipTokens.ids(0), new Shape(1, clipTokens.windowLength()));
            NDArray pooled = clip.forward(clipIds).pooledOutput().get(new NDIndex("0:1"));
            NDArray hidden = parts.t5.model().forward(t5Tokens.idsArray(owner));
            return new NDList(hidden, pooled);
        });
        return Conditioning.owning(owner, List.of(new Conditioning.Entry(out.get(0), out.get(1), Map.of())));
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
        return "CLIP[flux: " + parts.name + "]";
    }
}
