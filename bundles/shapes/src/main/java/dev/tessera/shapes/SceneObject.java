package dev.tessera.shapes;

import java.util.Objects;

/**
 * One object of a scene: a shape of a palette colour filling the half-open pixel box {@code [x1,x2) x [y1,y2)},
 * which is the tight bounding box of the pixels it is drawn with.
 */
public record SceneObject(ShapeKind shape, PaletteColour colour, int x1, int y1, int x2, int y2) {

    public SceneObject {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(colour, "colour");
        if (x1 < 0 || y1 < 0 || x1 >= x2 || y1 >= y2) {
            throw new IllegalArgumentException("object box (" + x1 + ", " + y1 + ", " + x2 + ", " + y2
                    + ") is not a box of pixels; expected 0 <= x1 < x2 and 0 <= y1 < y2");
        }
    }

    public SceneObject(ShapeKind shape, PaletteColour colour, PixelBox box) {
        this(shape, colour, box.x1(), box.y1(), box.x2(), box.y2());
    }

    public PixelBox box() {
        return new PixelBox(x1, y1, x2, y2);
    }

    /** "a red circle": no position words. */
    public String phrase() {
        return "a " + colour.word() + " " + shape.word();
    }

    /** The instance label: the shape's word. */
    public String label() {
        return shape.word();
    }
}
