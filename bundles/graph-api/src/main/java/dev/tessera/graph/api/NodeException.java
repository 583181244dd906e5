package dev.tessera.graph.api;

/**
 * A node could not do its work for a reason the user can act on. The host reports it with the node id, the
 * input (when one is named) and the message; it never takes the host down.
 *
 * <p>{@code type} follows ComfyUI's error types where one fits ({@code value_not_in_list},
 * {@code required_input_missing}, {@code invalid_input}, {@code execution_error}, ...).
 */
public class NodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String type;
    private final String inputName;

    public NodeException(String type, String inputName, String message, Throwable cause) {
        super(message, cause);
        this.type = type == null ? "execution_error" : type;
        this.inputName = inputName;
    }

    public NodeException(String type, String inputName, String message) {
        this(type, inputName, message, null);
    }

    /** An error about the value of one input. */
    public static NodeException invalidInput(String inputName, String message) {
        return new NodeException("invalid_input", inputName, message);
    }

    /** An error while computing, not tied to one input. */
    public static NodeException failed(String message, Throwable cause) {
        return new NodeException("execution_error", null, message, cause);
    }

    public String type() {
        return type;
    }

    /** The input the problem is about, or null. */
    public String inputName() {
        return inputName;
    }
}
