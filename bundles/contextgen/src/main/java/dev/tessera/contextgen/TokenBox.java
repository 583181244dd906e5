package dev.tessera.contextgen;

/**
 * A box on the token grid, half-open: token (row, col) is inside when {@code x1 <= col < x2} and
 * {@code y1 <= row < y2}. From pixels the method notes' rule applies to the whole-pixel box ({@link PixelBox}): x1 and
 * y1 floored, x2 and y2 ceiled after dividing by 16, so a box covers every token it touches.
 */
public record TokenBox(int x1, int y1, int x2, int y2) {

    public TokenBox {
        if (x1 < 0 || y1 < 0 || x2 <= x1 || y2 <= y1) {
            throw new IllegalArgumentException("token box (" + x1 + ", " + y1 + ", " + x2 + ", " + y2
                    + ") is empty or negative; expected 0 <= x1 < x2 and 0 <= y1 < y2");
        }
    }

    /**
     * The token box of pixel box {@code x1, y1, x2, y2} on a {@code canvas}: {@link PixelBox#of} (truncated to whole
     * pixels, clipped to the canvas), then {@link PixelBox#tokens}.
     *
     * @param where names the box in errors ({@code "instance 2"})
     * @throws InvalidContextGenInputException naming {@code where} when a number is not finite or nothing of the box
     *     is left on the canvas
     */
    public static TokenBox fromPixels(String where, double x1, double y1, double x2, double y2, TokenGrid canvas) {
        return PixelBox.of(where, x1, y1, x2, y2, canvas).tokens();
    }

    public boolean contains(int row, int col) {
        return col >= x1 && col < x2 && row >= y1 && row < y2;
    }

    public int width() {
        return x2 - x1;
    }

    public int height() {
        return y2 - y1;
    }
}
