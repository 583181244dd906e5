/**
 * What a model bundle implements to join the conformance pack, without depending on the runner or the command
 * line: a {@link dev.tessera.conformance.ConformanceFamily} (a DS service) runs one family's case files with a
 * {@link dev.tessera.conformance.PackContext} (pack root, device, dtype, the case's manager), compares outputs
 * with {@link dev.tessera.conformance.Comparison} under a {@link dev.tessera.conformance.Tolerance}, and returns a
 * {@link dev.tessera.conformance.CaseOutcome}. The runner and {@code tessera conformance} are the
 * conformance-runner bundle's. Plain Java over DJL.
 */
@Export
@Version("2.0.0")
package dev.tessera.conformance;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
