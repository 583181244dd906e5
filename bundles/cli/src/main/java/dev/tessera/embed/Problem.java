package dev.tessera.embed;

/**
 * Why a workflow could not run or where it failed, as the command line reports it.
 *
 * @param nodeId    the node, or null for the workflow as a whole
 * @param classType the node's type, or null
 * @param inputName the input named as the cause, or null
 * @param type      ComfyUI's error type ({@code value_not_in_list}, {@code required_input_missing},
 *                  {@code unknown_node_type}, {@code invalid_json}, ...; a node's own type when it failed)
 * @param message   the whole report for a person, starting with where: {@code node 3 (ImageScale) input 'width':
 *                  value_smaller_than_min: ...}; a failed node's inputs follow on further lines
 */
public record Problem(String nodeId, String classType, String inputName, String type, String message) {

    @Override
    public String toString() {
        return message;
    }
}
