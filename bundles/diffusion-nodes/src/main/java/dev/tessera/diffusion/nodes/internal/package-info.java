/** The family-neutral diffusion nodes and the sampling glue they share; not exported. */
package dev.tessera.diffusion.nodes.internal;
