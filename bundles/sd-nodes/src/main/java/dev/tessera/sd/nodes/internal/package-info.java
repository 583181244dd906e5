/** SD1.x implementations of the model-api handles and the shared checkpoint cache; not exported. */
package dev.tessera.sd.nodes.internal;
