/**
 * DJL PyTorch for Tessera bundles: the {@link dev.tessera.tensor.TensorRuntime} service (device, compute dtype,
 * tensor managers scoped to a run) and, in the subpackage, safetensors reading and writing.
 */
@Export
@Version("1.1.0")
package dev.tessera.tensor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
