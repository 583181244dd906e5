package dev.tessera.flux.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.Conditioning;
import java.util.function.Function;

/** What the DiT MODEL handles (FLUX, SD3) do alike with a conditioning: check its entries, mix their predictions. */
final class DitConditioning {

    private DitConditioning() {
    }

    /**
     * Refuses a side whose entries do not fit: text states of another width, a pooled vector of another width,
     * and the entry extras these handles do not honour yet (mask, area, timestep range), naming the side and entry.
     *
     * @param family the model's name in messages ("FLUX", "SD3")
     * @param textWhat what gives the text states, for messages ("T5 states")
     * @param pooledWhat what gives the pooled vector ("CLIP-L")
     * @param areaHint appended to the area refusal (where to go instead), or ""
     */
    static void check(String side, Conditioning conditioning, String family, long textWidth, String textWhat,
            long pooledWidth, String pooledWhat, String areaHint) {
        if (conditioning == null) {
            throw new IllegalArgumentException(side + ": a conditioning is required");
        }
        for (int i = 0; i < conditioning.entries().size(); i++) {
            Conditioning.Entry entry = conditioning.entries().get(i);
            long width = entry.embeddings().getShape().get(2);
            if (width != textWidth) {
                throw new IllegalArgumentException(side + " entry " + i + ": text embeddings of width " + width
                        + ", this " + family + " model takes " + textWidth + " (" + textWhat + ")");
            }
            Shape pooled = entry.pooled() == null ? null : entry.pooled().getShape();
            if (pooled == null || pooled.dimension() != 2 || pooled.get(1) != pooledWidth) {
                throw new IllegalArgumentException(side + " entry " + i + ": " + family + " needs a pooled text vector"
                        + " of width " + pooledWidth + " (" + pooledWhat + "), got " + (pooled == null ? "none"
                                : pooled));
            }
            if (entry.extras().containsKey(Conditioning.MASK)) {
                throw new IllegalArgumentException(side + " entry " + i + ": mask conditioning (ConditioningSetMask)"
                        + " is not supported on " + family + " yet");
            }
            if (entry.extras().containsKey(Conditioning.AREA)) {
                throw new IllegalArgumentException(side + " entry " + i + ": area conditioning (ConditioningSetArea)"
                        + " is not supported on " + family + areaHint);
            }
            if (entry.extras().containsKey(Conditioning.START_PERCENT)
                    || entry.extras().containsKey(Conditioning.END_PERCENT)) {
                throw new IllegalArgumentException(side + " entry " + i + ": a timestep range"
                        + " (ConditioningSetTimestepRange) is not supported on " + family + " yet");
            }
            if (entry.strength() <= 0) {
                throw new IllegalArgumentException(side + " entry " + i + ": strength must be positive, got "
                        + entry.strength());
            }
        }
    }

    /** The strength-weighted mean (float32) of {@code forward} over the entries of one side. */
    static NDArray weightedMean(Conditioning conditioning, Function<Conditioning.Entry, NDArray> forward) {
        NDArray sum = null;
        double total = 0;
        for (Conditioning.Entry entry : conditioning.entries()) {
            NDArray weighted = forward.apply(entry).toType(DataType.FLOAT32, false).mul((float) entry.strength());
            sum = sum == null ? weighted : sum.add(weighted);
            total += entry.strength();
        }
        return sum.div((float) total);
    }

    /** {@code x} [b, ...] repeated along its first axis to {@code batch} rows (b divides batch). */
    static NDArray perBatch(NDArray x, long batch) {
        long have = x.getShape().get(0);
        if (have == batch) {
            return x;
        }
        return x.repeat(0, batch / have);
    }
}
