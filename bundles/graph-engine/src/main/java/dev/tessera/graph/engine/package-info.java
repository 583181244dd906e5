/**
 * The host side of the node graph: parse a workflow in ComfyUI's API format, validate it against the node types
 * that are registered right now, and run it with output caching, progress events and cooperative interrupt.
 *
 * <p>The entry point is the {@link dev.tessera.graph.engine.WorkflowEngine} service.
 */
@Export
@Version("1.2.0")
package dev.tessera.graph.engine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
