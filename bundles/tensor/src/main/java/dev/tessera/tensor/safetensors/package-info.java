/**
 * Reading and writing the safetensors format: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data. Reading maps only the region of the
 * tensor being loaded, so checkpoints larger than the heap (or than 2 GB) load tensor by tensor.
 */
@Export
@Version("1.2.0")
package dev.tessera.tensor.safetensors;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
