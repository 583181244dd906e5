package dev.tessera.models.sd;

import static dev.tessera.models.sd.Pack.FORWARD_TOLERANCE;
import static dev.tessera.models.sd.Pack.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ComfyUI's CLIPSetLastLayer -1 on SDXL's encoders: {@code SDClipModel} with {@code layer_norm_hidden_state=False}
 * (both SDXL encoders, SD3's CLIPs too) turns layer -1 into the hidden output of the last layer, without the final
 * layer norm; SD1.x's encoder ({@code layer_norm_hidden_state=True}) norms it, i.e. transformers' last_hidden_state.
 * The expectation is computed here, independently, in plain Java: the last encoder layer (pre-norm attention with a
 * causal mask, then the MLP) applied to the pack's reference penultimate state (transformers' hidden_states[-2]),
 * with the weights read from the pack's diffusers folder.
 */
class SdxlClipLastLayerTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text_encoder", "text_encoder_2"})
    void layerMinusOneIsTheLastLayersOutputWithoutTheFinalNorm(String encoder) {
        Path sdxl = SdxlConformanceTest.sdxl();
        String te = encoder.equals("text_encoder") ? "te1" : "te2";
        try (SafetensorsFile cases = SafetensorsFile.open(sdxl.resolve("cases/unet_te.safetensors"));
                SafetensorsFile weights = SafetensorsFile.open(sdxl.resolve("diffusers/" + encoder
                        + "/model.safetensors"));
                StableDiffusionCheckpoint checkpoint = SdxlConformanceTest.open(Pack.Layout.DIFFUSERS, manager)) {
            CLIPTextModel model = encoder.equals("text_encoder") ? checkpoint.textEncoder()
                    : checkpoint.textEncoder2();
            NDArray ids = cases.load("input_ids", manager);
            float[] penultimate = cases.load(te + "_penultimate", manager).toFloatArray();
            int hidden = (int) model.config().hiddenSize();
            int length = (int) ids.getShape().get(1);
            // transformers 4 names carry "text_model.", the pack's CLIP-L folder was saved without it.
            String top = weights.contains("text_model.final_layer_norm.weight") ? "text_model." : "";
            String layer = top + "encoder.layers." + (model.config().numHiddenLayers() - 1) + ".";
            boolean quickGelu = "quick_gelu".equals(model.config().hiddenAct());
            for (int row = 0; row < ids.getShape().get(0); row++) {
                float[] h = Arrays.copyOfRange(penultimate, row * length * hidden, (row + 1) * length * hidden);
                float[] expected = lastLayer(h, length, hidden, model.config().numAttentionHeads(), quickGelu,
                        weights, layer);
                float[] normed = layerNorm(expected, length, hidden, weights, top + "final_layer_norm.");
                NDArray window = ids.get(new NDIndex("{}:{}", row, row + 1));
                long[] tokens = window.toLongArray();
                float[] ones = new float[tokens.length];
                Arrays.fill(ones, 1f);
                long[] empty = new long[tokens.length];
                NDList unnormed = ClipConditioning.encode(model, tokens, ones, 1, empty, -1, false, manager);
                assertClose(encoder + " row " + row + " layer -1 (SDXL: no final norm)", unnormed.get(0),
                        manager.create(expected, new Shape(1, length, hidden)), FORWARD_TOLERANCE);
                NDList sd1 = ClipConditioning.encode(model, tokens, ones, 1, empty, -1, true, manager);
                assertClose(encoder + " row " + row + " layer -1 normed (SD1.x)", sd1.get(0),
                        manager.create(normed, new Shape(1, length, hidden)), FORWARD_TOLERANCE);
                assertTrue(unnormed.get(0).sub(sd1.get(0)).abs().max().getFloat() > 1e-2,
                        "the final norm must make a difference here, or the test tells nothing");
            }
        }
    }

    /** One pre-norm CLIP encoder layer over {@code h} [L, D], causal attention: h + attn(ln1 h), then + mlp(ln2). */
    private float[] lastLayer(float[] h, int length, int hidden, int heads, boolean quickGelu, SafetensorsFile w,
            String p) {
        float[] x = layerNorm(h, length, hidden, w, p + "layer_norm1.");
        float[] q = linear(x, length, w, p + "self_attn.q_proj.");
        float[] k = linear(x, length, w, p + "self_attn.k_proj.");
        float[] v = linear(x, length, w, p + "self_attn.v_proj.");
        int dh = hidden / heads;
        double scale = 1 / Math.sqrt(dh);
        float[] attended = new float[length * hidden];
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < length; i++) {
                double[] scores = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int d = 0; d < dh; d++) {
                        s += q[i * hidden + head * dh + d] * k[j * hidden + head * dh + d];
                    }
                    scores[j] = s * scale;
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int d = 0; d < dh; d++) {
                    double acc = 0;
                    for (int j = 0; j <= i; j++) {
                        acc += scores[j] / sum * v[j * hidden + head * dh + d];
                    }
                    attended[i * hidden + head * dh + d] = (float) acc;
                }
            }
        }
        float[] out = linear(attended, length, w, p + "self_attn.out_proj.");
        float[] r = new float[h.length];
        for (int i = 0; i < h.length; i++) {
            r[i] = h[i] + out[i];
        }
        float[] up = linear(layerNorm(r, length, hidden, w, p + "layer_norm2."), length, w, p + "mlp.fc1.");
        for (int i = 0; i < up.length; i++) {
            double a = up[i];
            up[i] = (float) (quickGelu ? a / (1 + Math.exp(-1.702 * a)) : 0.5 * a * (1 + erf(a / Math.sqrt(2))));
        }
        float[] down = linear(up, length, w, p + "mlp.fc2.");
        for (int i = 0; i < r.length; i++) {
            r[i] += down[i];
        }
        return r;
    }

    /** {@code x} [L, in] times {@code p}weight [out, in] transposed, plus {@code p}bias. */
    private float[] linear(float[] x, int length, SafetensorsFile w, String p) {
        NDArray weight = w.load(p + "weight", manager);
        int out = (int) weight.getShape().get(0);
        int in = (int) weight.getShape().get(1);
        float[] wt = weight.toFloatArray();
        float[] b = w.load(p + "bias", manager).toFloatArray();
        float[] y = new float[length * out];
        for (int i = 0; i < length; i++) {
            for (int o = 0; o < out; o++) {
                double acc = b[o];
                for (int c = 0; c < in; c++) {
                    acc += (double) x[i * in + c] * wt[o * in + c];
                }
                y[i * out + o] = (float) acc;
            }
        }
        return y;
    }

    private float[] layerNorm(float[] x, int length, int hidden, SafetensorsFile w, String p) {
        float[] g = w.load(p + "weight", manager).toFloatArray();
        float[] b = w.load(p + "bias", manager).toFloatArray();
        float[] y = new float[x.length];
        for (int i = 0; i < length; i++) {
            double mean = 0;
            for (int d = 0; d < hidden; d++) {
                mean += x[i * hidden + d];
            }
            mean /= hidden;
            double var = 0;
            for (int d = 0; d < hidden; d++) {
                double c = x[i * hidden + d] - mean;
                var += c * c;
            }
            var /= hidden;
            double inv = 1 / Math.sqrt(var + 1e-5);
            for (int d = 0; d < hidden; d++) {
                y[i * hidden + d] = (float) ((x[i * hidden + d] - mean) * inv * g[d] + b[d]);
            }
        }
        return y;
    }

    /** erf by Abramowitz and Stegun 7.1.26 (error below 1.5e-7), for exact GELU. */
    private static double erf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x));
        double y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                + t * 1.061405429)))) * Math.exp(-x * x);
        return x >= 0 ? y : -y;
    }
}
