/**
 * Training on DJL's autograd with the inference model classes themselves: {@link dev.tessera.training.TrainableParameters}
 * is a {@code Weights} whose tensors carry gradients, so models-sd's text encoder, UNet and autoencoder train
 * without a second copy of any model. Plain Java over DJL; no OSGi.
 */
@Export
@Version("1.0.0")
package dev.tessera.training;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
