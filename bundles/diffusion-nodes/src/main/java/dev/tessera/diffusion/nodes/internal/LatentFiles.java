package dev.tessera.diffusion.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.image.SaveTarget;
import dev.tessera.tensor.safetensors.SafetensorsException;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * ComfyUI's {@code .latent} files (SaveLatent / LoadLatent): a safetensors file with the samples as
 * {@code latent_tensor} and an empty tensor {@code latent_format_version_0} marking the current format; files
 * without the marker (written before ComfyUI stored unscaled latents) hold samples times 0.18215 and are divided
 * by it on loading. Never a pickle: such a file is refused, naming it.
 */
public final class LatentFiles {

    public static final String EXTENSION = ".latent";
    public static final String TENSOR = "latent_tensor";
    public static final String VERSION_MARKER = "latent_format_version_0";
    /** ComfyUI's multiplier for files without the version marker: 1 / the SD1 scaling factor. */
    public static final float UNVERSIONED_MULTIPLIER = 1.0f / 0.18215f;

    private LatentFiles() {}

    /**
     * The safetensors metadata ComfyUI's SaveLatent writes: {@code prompt} (the API workflow, "" without one),
     * then each extra_pnginfo entry as JSON.
     */
    public static Map<String, String> metadata(Optional<String> workflowJson, Map<String, String> extraPngInfo) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("prompt", workflowJson.orElse(""));
        metadata.putAll(extraPngInfo);
        return metadata;
    }

    /**
     * Writes {@code samples} as the next numbered {@code .latent} file of {@code target}, never over an existing
     * file; the marker tensor is made in {@code scratch}.
     *
     * @return the file name written
     */
    public static String save(NDArray samples, SaveTarget target, Map<String, String> metadata, NDManager scratch)
            throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put(TENSOR, samples);
        tensors.put(VERSION_MARKER, scratch.create(new float[0]));
        Path named = target.folder().resolve(target.fileName(0, target.counter(), EXTENSION));
        return target.writeNext(0, target.counter(), EXTENSION,
                out -> SafetensorsWriter.write(out, named, tensors, metadata)).name();
    }

    /**
     * The samples of a {@code .latent} file as float32 in {@code manager}, scaled as ComfyUI's LoadLatent when the
     * version marker is absent.
     *
     * @param name the file as the user chose it, named in errors
     * @throws IllegalArgumentException naming the file when it is a pickle, not safetensors, or lacks
     *                                  {@code latent_tensor}
     */
    public static NDArray load(Path file, String name, NDManager manager) {
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            if (!st.contains(TENSOR)) {
                throw new IllegalArgumentException("latent file '" + name + "' holds no tensor '" + TENSOR
                        + "' (it has " + st.names() + "); a ComfyUI .latent file is expected");
            }
            NDArray samples = st.load(TENSOR, manager).toType(DataType.FLOAT32, false);
            return st.contains(VERSION_MARKER) ? samples : samples.mul(UNVERSIONED_MULTIPLIER);
        } catch (SafetensorsException e) {
            refusePickle(file, name);
            throw new IllegalArgumentException("latent file '" + name + "' is not a readable safetensors file: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Called on a file that is not safetensors: a zip archive (torch.save) or a raw pickle is named as such, since
     * such files can run code when loaded and are never read.
     */
    private static void refusePickle(Path file, String name) {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read latent file '" + name + "': " + e.getMessage(), e);
        }
        boolean zip = n >= 2 && head[0] == 'P' && head[1] == 'K';
        boolean pickle = n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5;
        if (zip || pickle) {
            throw new IllegalArgumentException("latent file '" + name + "' is a PyTorch pickle"
                    + (zip ? " archive" : "") + ", not safetensors; pickle files are never loaded (they can run code)");
        }
    }
}
