/**
 * What other bundles see of FLUX MODEL handles ({@link dev.tessera.flux.nodes.api.FluxModel}: the transformer's
 * configuration) and hand to them ({@link dev.tessera.flux.nodes.api.KontextPatch}: context image tokens, their
 * position ids and per-block attention masks, for FLUX.1-Kontext and ContextGen).
 */
@Export
@Version("1.1.0")
package dev.tessera.flux.nodes.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
