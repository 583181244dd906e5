package dev.tessera.models.dit.loading;

import dev.tessera.tensor.safetensors.SafetensorsFile;

/**
 * Where one canonical parameter is stored: a file, the stored tensor's name, and which rows of it (fused tensors
 * such as BFL's {@code qkv} hold several parameters one after another along dim 0). {@code swapHalves} says the
 * stored rows hold the two halves of the parameter in the other order (BFL's final layer: shift, scale; diffusers'
 * norm_out: scale, shift).
 *
 * @param rowStart first row of this parameter in the stored tensor
 * @param rows rows of this parameter, or -1 for the whole stored tensor
 * @param fusedRows rows the stored tensor must have in all (-1: whole tensor, no check)
 */
record StoredPart(SafetensorsFile file, String stored, long rowStart, long rows, long fusedRows,
        boolean swapHalves) {

    static StoredPart whole(SafetensorsFile file, String stored) {
        return new StoredPart(file, stored, 0, -1, -1, false);
    }

    static StoredPart rows(SafetensorsFile file, String stored, long rowStart, long rows, long fusedRows) {
        return new StoredPart(file, stored, rowStart, rows, fusedRows, false);
    }

    static StoredPart swapped(SafetensorsFile file, String stored) {
        return new StoredPart(file, stored, 0, -1, -1, true);
    }

    boolean sliced() {
        return rows >= 0;
    }

    String describe(String canonical) {
        String where = stored.equals(canonical) ? "" : "stored as '" + stored + "'"
                + (sliced() ? " rows " + rowStart + ".." + (rowStart + rows - 1) : "")
                + (swapHalves ? " with its halves swapped" : "") + " ";
        return where + "in " + file.path();
    }
}
