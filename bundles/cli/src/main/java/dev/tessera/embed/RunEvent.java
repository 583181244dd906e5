package dev.tessera.embed;

import java.util.Optional;

/**
 * What a run reports while it goes: {@code STARTED}, then per executed node {@code NODE_STARTED} and, for nodes
 * that work in steps (samplers), {@code PROGRESS} events; {@code OUTPUT} when a node has results for the user.
 *
 * @param kind       what happened
 * @param promptId   the run
 * @param nodeId     the node, or null for {@code STARTED}
 * @param classType  the node's type, or null for {@code STARTED}
 * @param value      {@code PROGRESS}: steps done of {@code max}; else 0
 * @param max        {@code PROGRESS}: the node's steps; else 0
 * @param nodeIndex  the node's place among the nodes this run executes, from 1 (0 for {@code STARTED})
 * @param nodeCount  how many nodes this run executes (those needed by the outputs, less those taken from the cache)
 * @param preview    {@code PROGRESS}: an encoded preview image (JPEG or PNG) when the node sends one, else null
 */
public record RunEvent(Kind kind, String promptId, String nodeId, String classType, long value, long max,
        int nodeIndex, int nodeCount, byte[] preview) {

    public enum Kind { STARTED, NODE_STARTED, PROGRESS, OUTPUT }

    public Optional<byte[]> previewImage() {
        return Optional.ofNullable(preview);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case STARTED -> "run " + promptId + " started (" + nodeCount + " nodes to execute)";
            case NODE_STARTED -> "[" + nodeIndex + "/" + nodeCount + "] " + classType + " #" + nodeId;
            case PROGRESS -> "[" + nodeIndex + "/" + nodeCount + "] " + classType + " #" + nodeId + " " + value + "/" + max;
            case OUTPUT -> "node " + nodeId + " (" + classType + ") has output";
        };
    }
}
