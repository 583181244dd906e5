package dev.tessera.layout;

import java.util.Objects;

/**
 * What a {@link LayoutParser} is asked: the prompt and the canvas it is for (the aspect ratio shapes the boxes).
 */
public record ParseRequest(String prompt, int width, int height) {

    public ParseRequest {
        Objects.requireNonNull(prompt, "prompt");
        if (width <= 0 || height <= 0) {
            throw new InvalidLayoutException(-1, "canvas size " + width + "x" + height
                    + " is not positive; expected width and height > 0");
        }
    }

    /** A request for a 512 x 512 canvas, SD1.5's native size. */
    public static ParseRequest of(String prompt) {
        return new ParseRequest(prompt, 512, 512);
    }
}
