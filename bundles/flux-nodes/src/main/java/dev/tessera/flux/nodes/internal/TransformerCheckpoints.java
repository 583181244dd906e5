package dev.tessera.flux.nodes.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.sharing.FileStamp;
import dev.tessera.models.core.sharing.Shared;
import dev.tessera.models.core.sharing.SharedFiles;
import dev.tessera.models.dit.FluxTransformer2DModel;
import dev.tessera.models.dit.FluxTransformerConfig;
import dev.tessera.models.dit.Sd3Transformer2DModel;
import dev.tessera.models.dit.Sd3TransformerConfig;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import dev.tessera.models.dit.loading.Sd3Checkpoint;
import dev.tessera.tensor.TensorRuntime;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The open DiT checkpoints (FLUX, SD3) of UNETLoader and CheckpointLoaderSimple's SD3 files, through models-core's
 * {@link SharedFiles}: a file (or diffusers folder) is opened once per (path, size, modification time,
 * architecture file beside it, device, dtype), its family read from its tensor names then, and shared by every
 * MODEL handle over it, each holding a lease; it is closed with the last handle (when the host's output cache
 * evicts the loaders' outputs and all derived from them), or when this component stops.
 */
@Component(service = TransformerCheckpoints.class)
public final class TransformerCheckpoints {

    private final TensorRuntime tensors;
    private final SharedFiles open = new SharedFiles("the transformer checkpoint cache");

    /** A file by its stamp; the architecture file beside it by its content. */
    private record Key(FileStamp file, String arch, Device device, DataType dtype) {}

    @Activate
    public TransformerCheckpoints(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    /**
     * A MODEL handle over the FLUX or SD3 transformer {@code file}, opened unless a handle holds it now.
     *
     * @throws ModelLoadException naming the file when it is no FLUX or SD3 transformer or cannot be read
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public DiffusionModel open(Path file) {
        Shared.Lease<TransformerBase<?, ?>> lease = lease(file);
        if (lease.get().checkpoint instanceof Sd3Checkpoint) {
            return new Sd3DiffusionModel((Shared.Lease) lease, List.of());
        }
        return new FluxDiffusionModel((Shared.Lease) lease, List.of());
    }

    /**
     * The SD3 MODEL handle over {@code file}, opened unless a handle holds it now.
     *
     * @throws ModelLoadException naming the file when it is no SD3 transformer or cannot be read
     */
    public Sd3DiffusionModel openSd3(Path file) {
        DiffusionModel model = open(file);
        if (!(model instanceof Sd3DiffusionModel sd3)) {
            model.close();
            throw new ModelLoadException(file + ": a FLUX transformer, not SD3");
        }
        return sd3;
    }

    private Shared.Lease<TransformerBase<?, ?>> lease(Path file) {
        Path arch = file.resolveSibling(file.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "")
                + ".arch.json");
        Key key;
        try {
            key = new Key(FileStamp.of(file), Files.isRegularFile(arch) ? FileStamp.contentHash(arch) : null,
                    tensors.device(), tensors.computeType());
        } catch (RuntimeException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
        return open.lease(key, () -> tensors.call(() -> openBase(file)));
    }

    private TransformerBase<?, ?> openBase(Path file) {
        boolean sd3 = isSd3(file);
        NDManager manager = tensors.newManager("checkpoint " + file.getFileName());
        try {
            if (sd3) {
                return new TransformerBase<Sd3TransformerConfig, Sd3Transformer2DModel>(
                        Sd3Checkpoint.open(file, null, tensors.computeType(), manager), "SD3",
                        Sd3Transformer2DModel::new);
            }
            return new TransformerBase<FluxTransformerConfig, FluxTransformer2DModel>(
                    FluxCheckpoint.open(file, null, tensors.computeType(), manager), "FLUX",
                    FluxTransformer2DModel::new);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Whether the file is an SD3 transformer (else FLUX, the other family loaded here); others are named as such
     * instead of failing on a missing key. A diffusers folder is SD3 when its config says SD3Transformer2DModel.
     */
    private static boolean isSd3(Path file) {
        if (Files.isDirectory(file)) {
            Path config = Files.isRegularFile(file.resolve("config.json")) ? file.resolve("config.json")
                    : file.resolve("transformer/config.json");
            try {
                return Files.isRegularFile(config) && Files.readString(config).contains("\"SD3Transformer2DModel\"");
            } catch (IOException e) {
                throw new ModelLoadException(config + ": " + e.getMessage(), e);
            }
        }
        try (SafetensorsFile opened = SafetensorsFile.open(file)) {
            if (Sd3Checkpoint.isSd3(opened.names())) {
                return true;
            }
            if (!FluxCheckpoint.isFlux(opened.names())) {
                throw new ModelLoadException(file + ": not a FLUX or SD3 transformer (the diffusion model families"
                        + " UNETLoader loads so far); SD1.x checkpoints load with CheckpointLoaderSimple");
            }
            return false;
        } catch (ModelLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelLoadException(file + ": " + e.getMessage(), e);
        }
    }

    /** The open files (their counts, for tests and diagnostics). */
    public SharedFiles files() {
        return open;
    }

    /** Stopping closes them all, also those handles still hold. */
    @Deactivate
    public void close() {
        open.close();
    }
}
