package dev.tessera.diffusion.nodes.internal;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.tessera.model.api.Vae;
import dev.tessera.models.core.sharing.FileStamp;
import dev.tessera.models.core.sharing.SharedFiles;
import dev.tessera.models.sd.AutoencoderVae;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.models.sd.loading.VaeFile;
import dev.tessera.tensor.TensorRuntime;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The loaded standalone VAE files ({@code models/vae}: SD1.x VAEs, FLUX's and SD3's autoencoders), shared by every
 * VAELoader and run ({@link SharedFiles}): a file is opened once per (path, size, modification time, architecture
 * file, device, dtype) and closed when the last VAE handle over it closes. Deactivation closes everything.
 */
@Component(service = VaeFiles.class)
public final class VaeFiles {

    private record Key(FileStamp file, String arch, Device device, DataType dtype) {}

    private final TensorRuntime tensors;
    private final SharedFiles open = new SharedFiles("the VAE file cache");

    @Activate
    public VaeFiles(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    /**
     * A VAE handle over the VAE file {@code file} (and {@code <name>.arch.json} beside it when present), opened
     * unless a handle holds it now.
     *
     * @throws dev.tessera.models.core.ModelLoadException naming the file when it is not an SD1.x, FLUX or SD3 VAE
     */
    public Vae open(Path file) {
        Path arch = StableDiffusionCheckpoint.archBeside(file);
        Key key = new Key(FileStamp.of(file), arch == null ? null : FileStamp.contentHash(arch), tensors.device(),
                tensors.computeType());
        return new AutoencoderVae(open.lease(key, () -> tensors.call(() -> VaeFile.open(file, arch,
                tensors.device(), tensors.computeType(), tensors.newManager("vae " + file.getFileName())))));
    }

    /** How many files have been opened since activation. */
    public int loads() {
        return open.loads();
    }

    /** How many files are open now. */
    public int openFiles() {
        return open.openFiles();
    }

    @Deactivate
    public void close() {
        open.close();
    }
}
