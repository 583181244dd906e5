package dev.tessera.layout;

/**
 * Turns a prompt into a layout: the service behind "prompt to layout" nodes. This bundle registers a rule-based
 * parser that needs no model (id {@code rule-based}); a model-backed parser registers beside it under its own id
 * and nodes offer the choice by {@link #id()}.
 */
public interface LayoutParser {

    /** Stable id, used in workflows to choose the parser, e.g. {@code rule-based}. */
    String id();

    /** The name shown to users. */
    String displayName();

    /**
     * The layout for {@code request}: caption, instances and normalised boxes, with the request's canvas size as
     * the size hint and this parser's id as the source format.
     *
     * @throws LayoutParseException when the prompt gives nothing to lay out
     */
    Layout parse(ParseRequest request);
}
