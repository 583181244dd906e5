/**
 * Images as tensors and files: the IMAGE and MASK values ({@link dev.tessera.image.ImageBatch},
 * {@link dev.tessera.image.MaskBatch}), decoding image files, PNG writing with text chunks and reading them back
 * ({@link dev.tessera.image.PngEncoder}, {@link dev.tessera.image.PngText}), and resizing as ComfyUI does it
 * ({@link dev.tessera.image.ImageResizer}). Plain Java over DJL: nothing here knows OSGi or JSON.
 */
@Export
@Version("1.2.0")
package dev.tessera.image;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
