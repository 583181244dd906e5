/**
 * What every model family shares: the {@link dev.tessera.models.core.Weights} models read their parameters from
 * (lazily from a {@link dev.tessera.models.core.WeightSource}, or patched over a base), the supported compute
 * dtypes, token id checks and {@link dev.tessera.models.core.ModelLoadException}. Nothing here reads files.
 */
@Export
@Version("1.0.0")
package dev.tessera.models.core;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
