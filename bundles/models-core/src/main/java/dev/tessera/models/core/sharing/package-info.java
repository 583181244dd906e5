/**
 * Models shared by several handles: a {@link dev.tessera.models.core.sharing.Shared} value closes when the last of
 * its leases closes, and {@link dev.tessera.models.core.sharing.SharedFiles} opens a model file once per identity
 * ({@link dev.tessera.models.core.sharing.FileStamp}: real path, size, modification time) for every loader that asks.
 */
@Export
@Version("1.0.0")
package dev.tessera.models.core.sharing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
