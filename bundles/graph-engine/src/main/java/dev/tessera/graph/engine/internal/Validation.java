package dev.tessera.graph.engine.internal;

import dev.tessera.graph.engine.ValidationReport;
import java.util.List;
import java.util.Map;

/**
 * The outcome of validating a workflow: the report, and when it is clean, what a run needs.
 *
 * @param nodes   every node whose type is known, prepared
 * @param outputs the output nodes to execute, in id order
 */
record Validation(ValidationReport report, Map<String, PreparedNode> nodes, List<String> outputs) {
}
