package dev.tessera.layout;

import java.util.List;
import java.util.Locale;

/** The text formats a layout can be read from, by id, for a node's format choice. */
public enum LayoutTextFormat {
    /** The MIGLoRA paper's {@code <layout>} tokens; its numbers are in the {@link Coordinates} given. */
    PAPER(PaperFormat.ID),
    JSON(JsonLayoutFormat.ID),
    MIGC(MigcListFormat.ID),
    HICO(HiCoListFormat.ID),
    CONTEXTGEN(ContextGenSegmentInfo.ID);

    private final String id;

    LayoutTextFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /**
     * Every layout in {@code text}. {@code paperCoordinates} says how the paper format's numbers are written; the
     * other formats say it themselves.
     */
    public List<Layout> readAll(String text, Coordinates paperCoordinates) {
        return switch (this) {
            case PAPER -> List.of(PaperFormat.read(text, paperCoordinates));
            case JSON -> JsonLayoutFormat.readAll(text);
            case MIGC -> List.of(MigcListFormat.read(text));
            case HICO -> HiCoListFormat.readAll(text);
            case CONTEXTGEN -> ContextGenSegmentInfo.readAll(text);
        };
    }

    public static LayoutTextFormat fromId(String id) {
        String wanted = id == null ? "" : id.strip().toLowerCase(Locale.ROOT);
        for (LayoutTextFormat f : values()) {
            if (f.id.equals(wanted)) return f;
        }
        throw new IllegalArgumentException("unknown layout format '" + id + "'; expected one of paper, json, migc,"
                + " hico, contextgen");
    }
}
