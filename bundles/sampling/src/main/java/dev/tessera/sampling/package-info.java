/**
 * Sampling math for diffusion and flow-matching models, in diffusers' arithmetic: training noise schedules
 * ({@link dev.tessera.sampling.NoiseSchedule}), inference schedules ({@link dev.tessera.sampling.Schedule}, built by
 * {@link dev.tessera.sampling.Schedules} and {@link dev.tessera.sampling.ComfySchedules}), samplers
 * ({@link dev.tessera.sampling.Samplers}), classifier-free guidance and seeded noise. Plain Java over DJL
 * NDArrays: no OSGi services, no JSON.
 */
@Export
@Version("1.4.0")
package dev.tessera.sampling;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
