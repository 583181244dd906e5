/**
 * Images as tensors and files: the IMAGE and MASK values ({@link dev.tessera.image.ImageBatch},
 * {@link dev.tessera.image.MaskBatch}), decoding image files, PNG writing with text chunks and reading them back
 * ({@link dev.tessera.image.PngEncoder}, {@link dev.tessera.image.PngText}), and resizing as ComfyUI does it
 * ({@link dev.tessera.image.ImageResizer}), and the files nodes save and load: numbered save targets written whole
 * ({@link dev.tessera.image.SaveTarget}) and input-folder files ({@link dev.tessera.image.InputImages}). Plain Java over DJL: nothing here knows OSGi or JSON.
 */
@Export
@Version("1.3.0")
package dev.tessera.image;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
