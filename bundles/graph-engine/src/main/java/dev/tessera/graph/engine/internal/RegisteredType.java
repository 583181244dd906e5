package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeType;

/** A node type service with the descriptor read once when it was registered. */
record RegisteredType(NodeType type, NodeDescriptor descriptor) {
}
