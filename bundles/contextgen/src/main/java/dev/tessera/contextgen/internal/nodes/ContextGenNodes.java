package dev.tessera.contextgen.internal.nodes;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.contextgen.InvalidContextGenInputException;
import dev.tessera.contextgen.Reference;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.MaskBatch;

/** What the ContextGen nodes share: value types, category, and turning IMAGE / MASK / files into references. */
final class ContextGenNodes {

    static final String CATEGORY = "contextgen";
    static final ValueType REFERENCES = ValueType.of("CONTEXTGEN_REFERENCES");
    static final ValueType CONTEXTGEN_LAYOUT = ValueType.of("CONTEXTGEN_LAYOUT");
    static final int MAX_RESOLUTION = 16384;

    private ContextGenNodes() {}

    /** Image {@code index} of a batch as float32 RGB on the heap, {@code [H, W, 3]}. */
    static float[] rgb(ImageBatch batch, int index) {
        // A sub-manager of the batch's own: a base manager would need DJL's engine lookup (the TCCL) in OSGi.
        try (NDManager tmp = batch.pixels().getManager().newSubManager(Device.cpu())) {
            NDArray slice = batch.pixels().get(index);
            slice.attach(tmp);
            NDArray cpu = slice.toDevice(Device.cpu(), false);
            cpu.attach(tmp);
            NDArray f32 = cpu.toType(DataType.FLOAT32, false);
            f32.attach(tmp);
            return f32.toFloatArray();
        }
    }

    /** Mask {@code index} as float32 on the heap, {@code [H, W]}. */
    static float[] mask(MaskBatch batch, int index) {
        return batch.toFloats(index);
    }

    /** RGB in [0,1] and alpha in [0,1] from an 8-bit ARGB image. */
    static float[][] split(DecodedImage image) {
        int[] argb = image.argb();
        float[] rgb = new float[argb.length * 3];
        float[] alpha = new float[argb.length];
        for (int p = 0; p < argb.length; p++) {
            rgb[3 * p] = ((argb[p] >>> 16) & 0xFF) / 255f;
            rgb[3 * p + 1] = ((argb[p] >>> 8) & 0xFF) / 255f;
            rgb[3 * p + 2] = (argb[p] & 0xFF) / 255f;
            alpha[p] = (argb[p] >>> 24) / 255f;
        }
        return new float[][] {rgb, alpha};
    }

    /** A white-on-black mask image (ContextGen's separate instance mask) as foreground in [0,1]. */
    static float[] luminance(DecodedImage mask) {
        int[] argb = mask.argb();
        float[] out = new float[argb.length];
        for (int p = 0; p < argb.length; p++) {
            int r = (argb[p] >>> 16) & 0xFF, g = (argb[p] >>> 8) & 0xFF, b = argb[p] & 0xFF;
            // PIL's convert("L"): L = R*299/1000 + G*587/1000 + B*114/1000.
            out[p] = ((r * 299 + g * 587 + b * 114) / 1000) / 255f;
        }
        return out;
    }

    static Reference reference(String input, String where, int width, int height, float[] rgb, float[] alpha) {
        try {
            return Reference.of(where, width, height, rgb, alpha);
        } catch (InvalidContextGenInputException e) {
            throw NodeException.invalidInput(input, e.getMessage());
        }
    }
}
