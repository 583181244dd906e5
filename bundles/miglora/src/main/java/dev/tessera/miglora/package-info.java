/**
 * MIGLoRA on SD1.x UNets: the box-mask encoder ({@link dev.tessera.miglora.MaskEncoder}, both the paper's
 * concatenation variant and the released additive one, chosen from the weights), divide / conquer / combine as a
 * model-api forward hook ({@link dev.tessera.miglora.MigHook}) with the beta(t) schedule; it runs on a bare UNet
 * through models-sd's {@code dev.tessera.models.sd.HookedUNet}, the forward the MODEL handle uses (2.0: HookedUNet
 * moved there; 2.1: MaskEncoder.released over device-resident parameters; 3.0: beta(t) over noise levels,
 * {@code isGuided} takes the timestep and the model's range). Plain Java over DJL: no OSGi, no JSON.
 */
@Export
@Version("3.0.0")
package dev.tessera.miglora;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
