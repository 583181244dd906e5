package dev.tessera.layout;

/** How the numbers of a box were written where a layout came from. Inside Tessera boxes are always normalised. */
public enum CoordinateConvention {
    /** Fractions of the canvas, 0 to 1, origin top left. */
    NORMALIZED,
    /** Pixels of a frame of known width and height, origin top left. */
    PIXEL
}
