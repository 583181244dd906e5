package dev.tessera.tensor.safetensors;

import java.nio.file.Path;
import java.util.Optional;

/** A safetensors file that cannot be read or written; the message names the file and, where known, the tensor. */
public class SafetensorsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String tensor;

    public SafetensorsException(Path file, String tensor, String problem) {
        this(file, tensor, problem, null);
    }

    public SafetensorsException(Path file, String tensor, String problem, Throwable cause) {
        super(describe(file, tensor, problem), cause);
        this.file = file;
        this.tensor = tensor;
    }

    /** The file concerned. */
    public Path file() {
        return file;
    }

    /** The tensor concerned, if the problem is with one tensor. */
    public Optional<String> tensor() {
        return Optional.ofNullable(tensor);
    }

    private static String describe(Path file, String tensor, String problem) {
        StringBuilder text = new StringBuilder("safetensors file ").append(file);
        if (tensor != null) {
            text.append(", tensor '").append(tensor).append('\'');
        }
        return text.append(": ").append(problem).toString();
    }
}
