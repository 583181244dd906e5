/**
 * The layers and tensor ops the model families share, named as in diffusers: {@link
 * dev.tessera.models.core.layers.Linear}, {@link dev.tessera.models.core.layers.FeedForward}, {@link
 * dev.tessera.models.core.layers.TimestepEmbedding}, {@link dev.tessera.models.core.layers.ChunkedAttention} and
 * {@link dev.tessera.models.core.layers.Ops}.
 */
@Export
@Version("2.0.0")
package dev.tessera.models.core.layers;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
