package dev.tessera.graph.api;

import java.util.Objects;

/**
 * The type of a value on a link, by name as ComfyUI names it ({@code MODEL}, {@code IMAGE}, ...). Plugins define
 * their own with {@link #of(String)}; two types are the same when their names are equal.
 */
public record ValueType(String name) {

    public static final ValueType MODEL = new ValueType("MODEL");
    public static final ValueType CLIP = new ValueType("CLIP");
    public static final ValueType VAE = new ValueType("VAE");
    public static final ValueType CONDITIONING = new ValueType("CONDITIONING");
    public static final ValueType LATENT = new ValueType("LATENT");
    public static final ValueType IMAGE = new ValueType("IMAGE");
    public static final ValueType MASK = new ValueType("MASK");
    public static final ValueType LAYOUT = new ValueType("LAYOUT");
    public static final ValueType INT = new ValueType("INT");
    public static final ValueType FLOAT = new ValueType("FLOAT");
    public static final ValueType STRING = new ValueType("STRING");
    public static final ValueType BOOLEAN = new ValueType("BOOLEAN");
    /** A choice among named options; the options live in the input's {@link Widget.ComboWidget}. */
    public static final ValueType COMBO = new ValueType("COMBO");
    /** Accepts a link of any type (ComfyUI's {@code "*"}). */
    public static final ValueType ANY = new ValueType("*");

    public ValueType {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || !name.equals(name.strip())) {
            throw new IllegalArgumentException("value type name must be non-blank without surrounding spaces: '" + name + "'");
        }
    }

    public static ValueType of(String name) {
        return new ValueType(name);
    }

    /** Whether a link carrying {@code produced} may feed an input of this type. */
    public boolean accepts(ValueType produced) {
        return this.equals(ANY) || produced.equals(ANY) || this.equals(produced);
    }

    @Override
    public String toString() {
        return name;
    }
}
