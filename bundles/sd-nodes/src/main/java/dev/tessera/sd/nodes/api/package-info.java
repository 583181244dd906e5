/**
 * What plug-ins on the SD1.x MODEL handle share with it: {@link dev.tessera.sd.nodes.api.HookedUNet}, the UNet forward
 * with forward hooks around its stages.
 */
@Export
@Version("1.0.0")
package dev.tessera.sd.nodes.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
