package dev.tessera.sampling;

/** UniPC's B(h) (diffusers' {@code solver_type}). */
public enum UniPcVariant {
    /** {@code B(h) = h}; ComfyUI's {@code uni_pc}. */
    BH1,
    /** {@code B(h) = e^h - 1}; diffusers' default and ComfyUI's {@code uni_pc_bh2}. */
    BH2
}
