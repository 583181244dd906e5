package dev.tessera.lora.patch;

/**
 * Which handle a LoRA module is for, by its key's prefix: the text encoder (kohya {@code lora_te*}, diffusers
 * {@code text_encoder*}) or the diffusion model (everything else: {@code lora_unet_}, {@code unet.},
 * {@code transformer.}, ...). LoraLoader patches the MODEL with one side and the CLIP with the other.
 */
public enum LoraSide {
    MODEL, TEXT_ENCODER;

    /** The side a module key belongs to. */
    public static LoraSide of(String key) {
        return key.startsWith("lora_te") || key.startsWith("text_encoder") ? TEXT_ENCODER : MODEL;
    }

    /** Whether module {@code key} is for this side. */
    public boolean owns(String key) {
        return of(key) == this;
    }
}
