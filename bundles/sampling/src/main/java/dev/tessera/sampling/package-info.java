/**
 * Sampling math for diffusion and flow-matching models, in diffusers' arithmetic: training noise schedules
 * ({@link dev.tessera.sampling.NoiseSchedule}) and flow shifts ({@link dev.tessera.sampling.FlowShift}), the
 * inference {@link dev.tessera.sampling.Schedule} of one run, samplers ({@link dev.tessera.sampling.Samplers}),
 * classifier-free guidance and seeded noise. Schedules are built by ComfyUI's scheduler names in
 * {@code dev.tessera.sampling.comfy} and by diffusers' scheduler classes and configs in
 * {@code dev.tessera.sampling.diffusers}. Plain Java over DJL NDArrays: no OSGi services, no JSON.
 */
@Export
@Version("2.0.0")
package dev.tessera.sampling;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
