/**
 * Tessera for a Java host: run a workflow programmatically, without HTTP. The {@link dev.tessera.embed.WorkflowRunner}
 * service takes a workflow (ComfyUI's API or UI JSON, a PNG holding one, or a {@link dev.tessera.embed.Graph} built
 * in Java), validates it as {@code tessera run} does, runs it on the framework's one workflow engine and reports
 * progress to a {@link dev.tessera.embed.RunListener}; the {@link dev.tessera.embed.RunOutcome} holds the problems
 * (as values naming node, class type and input) or the files written and other outputs. See docs/embedding.md.
 */
@Export
@Version("1.0.0")
package dev.tessera.embed;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
