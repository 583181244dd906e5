package dev.tessera.graph.api;

import java.util.Objects;

/** A problem a node type finds with its widget values before anything runs. */
public record InputProblem(String input, String type, String message) {
    public InputProblem {
        Objects.requireNonNull(message, "message");
        type = type == null ? "invalid_input" : type;
    }

    public static InputProblem of(String input, String message) {
        return new InputProblem(input, "invalid_input", message);
    }
}
