package dev.tessera.layout;

import java.util.Objects;

/**
 * Where a layout came from: the format that was read ({@code paper}, {@code json}, {@code migc}, {@code hico},
 * {@code contextgen}, a parser id such as {@code rule-based}, or {@code api} when code built it) and the coordinate
 * convention its numbers were written in. The boxes themselves are normalised whatever the source.
 */
public record LayoutSource(String format, CoordinateConvention convention) {

    public LayoutSource {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(convention, "convention");
    }

    /** Built by code with normalised boxes. */
    public static LayoutSource api() {
        return new LayoutSource("api", CoordinateConvention.NORMALIZED);
    }
}
