package dev.tessera.graph.api;

import java.util.List;

/** NodeExceptions for the math's refusals, naming the input they are about. */
public final class InputFailures {

    private InputFailures() {}

    /**
     * An {@code invalid_input} error with {@code cause}'s message, about the input of {@code inputs} whose name
     * starts the message (the math names what it checked first: "positive conditioning is ...", "cfg must ..."),
     * else about {@code fallbackInput}.
     */
    public static NodeException invalid(RuntimeException cause, List<String> inputs, String fallbackInput) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        String input = fallbackInput;
        for (String candidate : inputs) {
            if (message.startsWith(candidate + " ") || message.startsWith(candidate + ":")) {
                input = candidate;
                break;
            }
        }
        return new NodeException("invalid_input", input, message, cause);
    }
}
