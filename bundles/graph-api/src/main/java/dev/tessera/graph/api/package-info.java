/**
 * The node contract: what a plugin bundle implements to add node types to Tessera.
 *
 * <p>A node type is a {@link dev.tessera.graph.api.NodeType} service (usually a Declarative Services component).
 * It declares its inputs and outputs in a {@link dev.tessera.graph.api.NodeDescriptor}, and computes outputs from
 * inputs in {@link dev.tessera.graph.api.NodeType#execute}. The host discovers node types while it runs.
 */
@Export
@Version("1.4.0")
package dev.tessera.graph.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
