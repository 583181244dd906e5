package dev.tessera.models.llm;

import dev.tessera.models.core.ModelLoadException;
import java.util.Set;

/**
 * transformers' rotary embedding variants ({@code rope_type}) that change only the inverse frequencies:
 * {@code default}, {@code linear} (positions divided by {@code factor}) and {@code llama3} (Llama 3.1/3.2: long
 * wavelengths divided by {@code factor}, short ones kept, a smooth blend between).
 *
 * @param type                          {@code default}, {@code linear} or {@code llama3}
 * @param factor                        the scaling factor (1 for default)
 * @param lowFreqFactor                 llama3's {@code low_freq_factor}
 * @param highFreqFactor                llama3's {@code high_freq_factor}
 * @param originalMaxPositionEmbeddings llama3's {@code original_max_position_embeddings}
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
        int originalMaxPositionEmbeddings) {

    public static final Set<String> TYPES = Set.of("default", "linear", "llama3");

    public static final RopeScaling NONE = new RopeScaling("default", 1, 0, 0, 0);

    public RopeScaling {
        if (!TYPES.contains(type)) {
            throw new ModelLoadException("rope_type '" + type + "' is not supported (expected one of " + TYPES + ")");
        }
        if (!(factor > 0)) {
            throw new ModelLoadException("rope scaling factor " + factor + " must be positive");
        }
        if (type.equals("llama3") && (!(highFreqFactor > lowFreqFactor) || originalMaxPositionEmbeddings <= 0)) {
            throw new ModelLoadException("llama3 rope scaling: high_freq_factor " + highFreqFactor
                    + " must exceed low_freq_factor " + lowFreqFactor + " and original_max_position_embeddings "
                    + originalMaxPositionEmbeddings + " be positive");
        }
    }

    /**
     * The inverse frequencies of a head of {@code headDim} channels: {@code theta^(-2j/headDim)}, j below
     * headDim / 2, scaled as this variant says (transformers' {@code _compute_*_parameters}), in double precision.
     */
    public double[] inverseFrequencies(double theta, int headDim) {
        double[] inv = new double[headDim / 2];
        for (int j = 0; j < inv.length; j++) {
            // transformers computes arange(0, dim, 2) / dim in float32 before the power: same values at these sizes.
            inv[j] = 1.0 / Math.pow(theta, (2.0 * j) / headDim);
        }
        switch (type) {
            case "linear" -> {
                for (int j = 0; j < inv.length; j++) {
                    inv[j] /= factor;
                }
            }
            case "llama3" -> {
                double lowWavelength = originalMaxPositionEmbeddings / lowFreqFactor;
                double highWavelength = originalMaxPositionEmbeddings / highFreqFactor;
                for (int j = 0; j < inv.length; j++) {
                    double wavelength = 2 * Math.PI / inv[j];
                    if (wavelength > lowWavelength) {
                        inv[j] /= factor;
                    } else if (wavelength >= highWavelength) {
                        double smooth = (originalMaxPositionEmbeddings / wavelength - lowFreqFactor)
                                / (highFreqFactor - lowFreqFactor);
                        inv[j] = (1 - smooth) * inv[j] / factor + smooth * inv[j];
                    }
                }
            }
            default -> {
            }
        }
        return inv;
    }
}
