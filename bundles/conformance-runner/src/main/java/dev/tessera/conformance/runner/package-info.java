/**
 * The conformance runner: discovers the case files of a conformance pack (tiny models and the outputs reference
 * implementations compute for them), runs each with the {@link dev.tessera.conformance.ConformanceFamily} of its
 * top-level folder, and reports one line per case with its relative errors; the {@code tessera conformance}
 * command. Families are OSGi services; this bundle's own (schedulers, tokenizers) are also listed in
 * {@link dev.tessera.conformance.runner.Families#builtin()} for use without OSGi. Plain Java over DJL.
 */
@Export
@Version("1.0.0")
package dev.tessera.conformance.runner;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
