package dev.tessera.graph.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One problem validation found.
 *
 * @param nodeId    the node, or null for a problem of the workflow as a whole ({@code prompt_no_outputs})
 * @param inputName the input, or null
 * @param classType the node's {@code class_type}, or null
 * @param type      a ComfyUI error type: {@code prompt_no_outputs}, {@code required_input_missing},
 *                  {@code return_type_mismatch}, {@code value_not_in_list}, {@code value_smaller_than_min},
 *                  {@code value_bigger_than_max}, {@code invalid_input_type}, {@code exception_during_validation},
 *                  and Tessera's {@code unknown_node_type}, {@code dangling_link}, {@code cycle},
 *                  {@code bad_output_index}, {@code unknown_input}, {@code invalid_prompt}; a node type's own
 *                  {@link dev.tessera.graph.api.InputProblem#type()} otherwise
 * @param message   a sentence naming the node, the input and what was expected
 * @param details   ComfyUI's short {@code details} (usually the input name)
 * @param extraInfo ComfyUI's {@code extra_info} ({@code input_name}, {@code received_value}, ...), JSON-ready
 */
public record ValidationProblem(
        String nodeId, String inputName, String classType, String type, String message, String details,
        Map<String, Object> extraInfo) {

    public ValidationProblem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
        details = details == null ? "" : details;
        extraInfo = extraInfo == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extraInfo));
    }

    /** ComfyUI's error object {@code {type, message, details, extra_info}}. */
    public Map<String, Object> toComfyError() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", type);
        error.put("message", message);
        error.put("details", details);
        error.put("extra_info", extraInfo);
        return error;
    }
}
