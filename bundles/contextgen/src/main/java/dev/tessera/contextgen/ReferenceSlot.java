package dev.tessera.contextgen;

/**
 * One reference in the sequence: the box of its instance on the main grid, its own token grid, and which of its
 * tokens are foreground (row-major, {@code grid.tokens()} long; see {@link ReferenceForeground}).
 */
public record ReferenceSlot(TokenBox box, TokenGrid grid, boolean[] foreground) {

    public ReferenceSlot {
        if (box == null || grid == null || foreground == null) {
            throw new IllegalArgumentException("a reference slot needs a box, a grid and a foreground");
        }
        if (foreground.length != grid.tokens()) {
            throw new IllegalArgumentException("foreground has " + foreground.length + " tokens for a "
                    + grid.width() + "x" + grid.height() + " grid; expected " + grid.tokens());
        }
        foreground = foreground.clone();
    }

    @Override
    public boolean[] foreground() {
        return foreground.clone();
    }

    boolean isForeground(int token) {
        return foreground[token];
    }

    /** Number of foreground tokens. */
    public int foregroundCount() {
        int n = 0;
        for (boolean b : foreground) n += b ? 1 : 0;
        return n;
    }
}
