/**
 * ComfyUI's schedules: {@link dev.tessera.sampling.comfy.ComfySchedulers} computes KSampler's {@code scheduler}
 * choices as ComfyUI's {@code comfy/samplers.py} does, in sigma space over a model's sigma table, for discrete and
 * flow models alike.
 */
@Export
@Version("1.0.0")
package dev.tessera.sampling.comfy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
