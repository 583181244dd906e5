/**
 * diffusers' schedules: {@link dev.tessera.sampling.diffusers.DiffusersSchedulers} reproduces the
 * {@code set_timesteps} arithmetic of its scheduler classes ({@link dev.tessera.sampling.diffusers.TimestepSpacing},
 * {@link dev.tessera.sampling.diffusers.FinalSigma}), and {@link dev.tessera.sampling.diffusers.DiffusersSchedulerConfig}
 * turns a scheduler config into a schedule and a sampler.
 */
@Export
@Version("1.0.0")
package dev.tessera.sampling.diffusers;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
