package dev.tessera.shapes;

import java.util.Locale;
import java.util.Optional;

/** The four shapes of the world; {@link #word()} is the noun used in phrases and as the instance label. */
public enum ShapeKind {
    /** An ellipse inscribed in its box. */
    CIRCLE,
    /** The box itself (a rectangle: boxes need not be square). */
    SQUARE,
    /** Apex at the top centre of the box, base along its bottom edge. */
    TRIANGLE,
    /** Five points, inner radius 0.45 of the outer, one point up, stretched to fill its box. */
    STAR;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The shape whose {@link #word()} is {@code word} (any case). */
    public static Optional<ShapeKind> fromWord(String word) {
        for (ShapeKind k : values()) {
            if (k.word().equalsIgnoreCase(word.strip())) return Optional.of(k);
        }
        return Optional.empty();
    }
}
