/** The loading edge every model family shares: reading diffusers / transformers config.json files. */
@Export
@Version("1.0.0")
package dev.tessera.models.core.loading;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
