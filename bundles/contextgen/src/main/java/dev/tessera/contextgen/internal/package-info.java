/** Implementation of the contextgen bundle: Pillow's resampling, the conformance family; not exported. */
package dev.tessera.contextgen.internal;
