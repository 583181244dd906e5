package dev.tessera.sd.nodes.internal;

import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.model.api.Vae;
import dev.tessera.models.core.sharing.FileStamp;
import dev.tessera.models.core.sharing.Shared;
import dev.tessera.models.core.sharing.SharedFiles;
import dev.tessera.models.sd.AutoencoderVae;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.models.sd.loading.VaeFile;
import dev.tessera.tensor.TensorRuntime;
import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.Vae;
import dev.tessera.models.core.sharing.FileStamp;
import dev.tessera.models.core.sharing.Shared;
import dev.tessera.models.core.sharing.SharedFiles;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.TensorRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The loaded checkpoints, shared by every checkpoint loader node and run ({@link SharedFiles}): a file is opened once
 * per (path, size, modification time, architecture file, tokenizer folder, device, dtype) and shared by all handles
 * over it, and closed when the last handle closes. Deactivation closes everything. Standalone VAE files are
 * diffusion-nodes' (VAELoader); the VAE inside another family's checkpoint is opened here.
 */
@Component(service = CheckpointCache.class)
public final class CheckpointCache {

    /** A file by its stamp; the architecture file by its content. */
    private record Key(String kind, FileStamp file, String arch, Path tokenizer, Device device, DataType dtype) {}

    private final TensorRuntime tensors;
    private final SharedFiles open = new SharedFiles("the checkpoint cache");

    @Activate
    public CheckpointCache(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    /**
     * The three handles over a checkpoint, as CheckpointLoaderSimple returns them.
     *
     * @param clip null when the checkpoint has no text encoder
     * @param vae null when the checkpoint has no VAE
     */
    public record CheckpointHandles(DiffusionModel model, TextEncoder clip, Vae vae) {}

    /**
     * MODEL, CLIP and VAE handles over the SD1.x checkpoint {@code file}, which is opened unless a handle holds it
     * now; each handle holds its own lease (close each, or let the host's cache close them).
     *
     * @param arch the architecture file, or null to use {@code <name>.arch.json} beside the file when present
     * @param tokenizerFolders where to look for the CLIP tokenizer, in order
     * @throws dev.tessera.models.core.ModelLoadException naming the file when it is not a usable SD1.x checkpoint
     * @throws dev.tessera.tokenizers.TokenizerException naming every folder looked in when no tokenizer is found
     */
    public CheckpointHandles openCheckpoint(Path file, Path arch, List<Path> tokenizerFolders) {
        try (Shared.Lease<SdCheckpoint> lease = checkpoint(file, arch, tokenizerFolders)) {
            SdCheckpoint checkpoint = lease.get();
            return new CheckpointHandles(new SdDiffusionModel(lease.share(), List.of()),
                    checkpoint.hasTextEncoder() ? new SdTextEncoder(lease.share(),
                            checkpoint.isSdxl() ? SdTextEncoder.SDXL_LAYER : -1, List.of()) : null,
                    checkpoint.hasVae() ? new AutoencoderVae(lease.share()) : null);
        }
    }

    /**
     * A VAE handle over the VAE inside the checkpoint {@code file} of another family's model, its latents in that
     * model's {@code format} (scaling and shift; channels and downscale are the VAE's own).
     */
    public Vae openVae(Path file, LatentFormat format) {
        Path arch = StableDiffusionCheckpoint.archBeside(file);
        Key key = key("vae " + format, file, arch, null);
        return new AutoencoderVae(open.lease(key, () -> tensors.call(() -> VaeFile.open(file, arch, format,
                tensors.device(), tensors.computeType(), tensors.newManager("vae " + file.getFileName())))));
    }

    /**
     * A lease on the SD1.x checkpoint {@code file}, opened if no handle holds it now.
     *
     * @param arch the architecture file, or null to use {@code <name>.arch.json} beside the file when present
     * @param tokenizerFolders where to look for the CLIP tokenizer, in order
     */
    Shared.Lease<SdCheckpoint> checkpoint(Path file, Path arch, List<Path> tokenizerFolders) {
        Path tokenizer = tokenizerFolders.stream().filter(Files::isDirectory).findFirst().orElse(null);
        Path effectiveArch = arch != null ? arch : StableDiffusionCheckpoint.archBeside(file);
        Key key = key("checkpoint", file, effectiveArch, tokenizer);
        return open.lease(key, () -> tensors.call(() -> SdCheckpoint.open(file, effectiveArch, tokenizerFolders,
                tensors.device(), tensors.computeType(), tensors.newManager("checkpoint " + file.getFileName()))));
    }

    /** How many files have been opened since activation (a second loader of the same file opens none). */
    public int loads() {
        return open.loads();
    }

    /** How many files are open now. */
    public int openFiles() {
        return open.openFiles();
    }

    /** Closes every open file, also those handles still hold (the bundle is stopping). */
    @Deactivate
    public void close() {
        open.close();
    }

    private Key key(String kind, Path file, Path arch, Path tokenizer) {
        return new Key(kind, FileStamp.of(file), arch == null ? null : FileStamp.contentHash(arch),
                tokenizer == null ? null : FileStamp.realPath(tokenizer), tensors.device(), tensors.computeType());
    }
}
