package dev.tessera.lora.internal;

import java.util.Collection;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** What a LoRA's module keys suggest it was trained for, to explain why it does not fit a model. */
public final class FamilyHints {

    /** A guess from the keys alone, first match wins, with the clause a message uses. */
    public enum Guess {
        SDXL("its keys look like an SDXL LoRA (lora_te1_/lora_te2_ or text_encoder_2: two text encoders)"),
        FLUX("its keys look like a FLUX LoRA (double_blocks / single_blocks)"),
        SD3("its keys look like an SD3 LoRA (joint_blocks)"),
        DIFFUSERS_DIT("its keys look like a diffusers DiT LoRA (transformer. prefix: SD3 or FLUX)"),
        SDXL_UNET("its keys look like an SDXL UNet LoRA (several transformer blocks per attention layer)"),
        UNET("its keys are UNet / text-encoder LoRA keys (SD1.x, SD2.x or SDXL naming)"),
        UNKNOWN("");

        private final String clause;

        Guess(String clause) {
            this.clause = clause;
        }

        /** The clause for a message, empty for {@link #UNKNOWN}. */
        public String clause() {
            return clause;
        }

        /** Whether the keys rule out an SD1.x/SD2.x model. */
        public boolean foreignToSd1() {
            return this != UNET && this != UNKNOWN;
        }
    }

    private static final Pattern DEEP_TRANSFORMER = Pattern.compile("transformer_blocks[._][1-9]");

    private FamilyHints() {
    }

    public static Guess guess(Collection<String> keys) {
        if (any(keys, k -> k.startsWith("lora_te1_") || k.startsWith("lora_te2_") || k.startsWith("text_encoder_2."))) {
            return Guess.SDXL;
        }
        if (any(keys, k -> k.contains("double_blocks") || k.contains("single_blocks")
                || k.contains("single_transformer_blocks"))) {
            return Guess.FLUX;
        }
        if (any(keys, k -> k.contains("joint_blocks") || k.contains("context_block"))) {
            return Guess.SD3;
        }
        if (any(keys, k -> k.startsWith("transformer."))) {
            return Guess.DIFFUSERS_DIT;
        }
        if (any(keys, k -> (k.startsWith("lora_unet_") || k.startsWith("unet."))
                && DEEP_TRANSFORMER.matcher(k).find())) {
            return Guess.SDXL_UNET;
        }
        if (any(keys, k -> k.startsWith("lora_unet_") || k.startsWith("unet.") || k.startsWith("lora_te_")
                || k.startsWith("text_encoder."))) {
            return Guess.UNET;
        }
        return Guess.UNKNOWN;
    }

    /** A clause such as "its keys look like an SDXL LoRA (…)", or an empty string if nothing stands out. */
    public static String describe(Collection<String> keys) {
        return guess(keys).clause();
    }

    private static boolean any(Collection<String> keys, Predicate<String> test) {
        return keys.stream().anyMatch(test);
    }
}
