package dev.tessera.contextgen;

import java.util.Locale;

/**
 * The FLUX.1-Kontext edit template ContextGen wraps the caption in (the released inference, not the paper's
 * benchmark prompts): a leading "a photo of" / "an image of" / "a picture of" is dropped first, since the template
 * already says what to depict.
 */
public final class KontextCaption {

    private static final String[] PREFIXES = {"a photo of ", "an image of ", "a picture of "};

    private KontextCaption() {}

    public static String template(String caption) {
        String c = caption.strip();
        for (String prefix : PREFIXES) {
            if (c.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                c = c.substring(prefix.length()).strip();
                break;
            }
        }
        return "Modify the image to depict '" + c + "'. While preserving the original layout, key object features"
                + " and human identities (including facial details), adjust element poses for better composition and"
                + " naturally fill in the background. Ensure the result appears natural and visually harmonious.";
    }
}
