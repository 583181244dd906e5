package dev.tessera.models.core.loading;

import dev.tessera.tensor.safetensors.SafetensorsFile;

/**
 * Where one canonical parameter is stored: a file, the stored tensor's name, and which rows of it (fused tensors
 * such as BFL's {@code qkv} hold several parameters one after another along dim 0). {@code swapHalves} says the
 * stored rows hold the two halves of the parameter in the other order (BFL's final layer: shift, scale; diffusers'
 * norm_out: scale, shift). {@code transposed} says a 2-d stored tensor is the parameter's transpose (OpenCLIP's
 * {@code text_projection}, stored [in, out] and applied as {@code x @ P}, for a linear weight [out, in]).
 *
 * @param rowStart first row of this parameter in the stored tensor
 * @param rows rows of this parameter, or -1 for the whole stored tensor
 * @param fusedRows rows the stored tensor must have in all (-1: whole tensor, no check)
 */
public record StoredPart(SafetensorsFile file, String stored, long rowStart, long rows, long fusedRows,
        boolean swapHalves, boolean transposed) {

    public static StoredPart whole(SafetensorsFile file, String stored) {
        return new StoredPart(file, stored, 0, -1, -1, false, false);
    }

    public static StoredPart rows(SafetensorsFile file, String stored, long rowStart, long rows, long fusedRows) {
        return new StoredPart(file, stored, rowStart, rows, fusedRows, false, false);
    }

    public static StoredPart swapped(SafetensorsFile file, String stored) {
        return new StoredPart(file, stored, 0, -1, -1, true, false);
    }

    public static StoredPart transposed(SafetensorsFile file, String stored) {
        return new StoredPart(file, stored, 0, -1, -1, false, true);
    }

    public boolean sliced() {
        return rows >= 0;
    }

    /** The canonical shape of this part given the stored tensor's shape (any other shape is left for checks). */
    public long[] canonicalShape(long[] storedShape) {
        long[] shape = storedShape.clone();
        if (sliced() && shape.length > 0 && shape[0] == fusedRows) {
            shape[0] = rows;
        }
        if (transposed && shape.length == 2) {
            shape = new long[] {shape[1], shape[0]};
        }
        return shape;
    }

    public String describe(String canonical) {
        String where = stored.equals(canonical) ? "" : "stored as '" + stored + "'"
                + (sliced() ? " rows " + rowStart + ".." + (rowStart + rows - 1) : "")
                + (swapHalves ? " with its halves swapped" : "")
                + (transposed ? " transposed" : "") + " ";
        return where + "in " + file.path();
    }
}
