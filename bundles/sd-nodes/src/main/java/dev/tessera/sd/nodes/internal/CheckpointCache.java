package dev.tessera.sd.nodes.internal;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.Vae;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.TensorRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The loaded checkpoints and VAE files, shared by every loader node and run: a file is opened once per (path, size,
 * modification time, architecture file, tokenizer folder, device, dtype) and shared by all handles over it. Each
 * handle holds a lease; the file is closed (its tensors freed) when the last handle closes, which happens when the
 * host's output cache evicts the loader's outputs and everything derived from them. A file changed on disk is a
 * new key, so it loads anew while handles over the old version finish. Deactivation closes everything.
 */
@Component(service = CheckpointCache.class)
public final class CheckpointCache {

    /** A file by its real path, size and modification time; the architecture file by its content. */
    private record Key(String kind, Path file, long size, long modified, String arch, Path tokenizer, Device device,
            DataType dtype) {}

    private final TensorRuntime tensors;
    private final Map<Key, Shared<?>> open = new HashMap<>();
    private int loads;
    private boolean closed;

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
                    checkpoint.hasVae() ? new SdVae(lease.share()) : null);
        }
    }

    /**
     * A VAE handle over the standalone VAE file {@code file} (and {@code <name>.arch.json} beside it when present),
     * opened unless a handle holds it now.
     *
     * @throws dev.tessera.models.core.ModelLoadException naming the file when it is not an SD1.x VAE
     */
    public Vae openVae(Path file) {
        return new SdVae(vae(file, null));
    }

    /**
     * A VAE handle over the VAE inside the checkpoint {@code file} of another family's model, its latents in that
     * model's {@code format} (scaling and shift; channels and downscale are the VAE's own).
     */
    public Vae openVae(Path file, LatentFormat format) {
        return new SdVae(vae(file, format));
    }

    /**
     * A lease on the SD1.x checkpoint {@code file}, opened if no handle holds it now.
     *
     * @param arch the architecture file, or null to use {@code <name>.arch.json} beside the file when present
     * @param tokenizerFolders where to look for the CLIP tokenizer, in order
     */
    Shared.Lease<SdCheckpoint> checkpoint(Path file, Path arch, List<Path> tokenizerFolders) {
        Path tokenizer = tokenizerFolders.stream().filter(Files::isDirectory).findFirst().orElse(null);
        Path effectiveArch = arch != null ? arch : besideArch(file);
        Key key = key("checkpoint", file, effectiveArch, tokenizer);
        return lease(key, k -> tensors.call(() -> SdCheckpoint.open(file, effectiveArch, tokenizerFolders,
                tensors.device(), tensors.computeType(), tensors.newManager("checkpoint " + file.getFileName()))));
    }

    /**
     * A lease on the standalone VAE file {@code file} (with {@code <name>.arch.json} beside it when present), opened
     * if no handle holds it now.
     */
    Shared.Lease<SdVaeFile> vae(Path file, LatentFormat family) {
        Path arch = besideArch(file);
        Key key = key(family == null ? "vae" : "vae " + family, file, arch, null);
        return lease(key, k -> tensors.call(() -> SdVaeFile.open(file, arch, family, tensors.device(),
                tensors.computeType(), tensors.newManager("vae " + file.getFileName()))));
    }

    @SuppressWarnings("unchecked")
    private synchronized <T extends AutoCloseable> Shared.Lease<T> lease(Key key, Function<Key, T> opener) {
        if (closed) {
            throw new IllegalStateException("the checkpoint cache is closed (its bundle is stopping)");
        }
        Shared<T> shared = (Shared<T>) open.get(key);
        if (shared == null || shared.isClosed()) {
            T value = opener.apply(key);
            loads++;
            shared = new Shared<>(value, s -> release(key, s));
            open.put(key, shared);
        }
        return shared.lease();
    }

    private void release(Key key, Shared<? extends AutoCloseable> shared) {
        synchronized (this) {
            open.remove(key, shared);
        }
        closeOrThrow(shared.value());
    }

    /** How many files have been opened since activation (a second loader of the same file opens none). */
    public synchronized int loads() {
        return loads;
    }

    /** How many files are open now. */
    public synchronized int openFiles() {
        return open.size();
    }

    /** Closes every open file, also those handles still hold (the bundle is stopping). */
    @Deactivate
    public void close() {
        List<Shared<?>> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(open.values());
            open.clear();
        }
        RuntimeException first = null;
        for (Shared<?> shared : all) {
            try {
                closeOrThrow((AutoCloseable) shared.value());
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void closeOrThrow(AutoCloseable resource) {
        try {
            resource.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing " + resource + " failed: " + e.getMessage(), e);
        }
    }

    private Key key(String kind, Path file, Path arch, Path tokenizer) {
        Path real = realPath(file);
        long[] sizeAndTime = sizeAndTime(real);
        return new Key(kind, real, sizeAndTime[0], sizeAndTime[1],
                arch == null ? null : contentHash(arch), tokenizer == null ? null : realPath(tokenizer),
                tensors.device(), tensors.computeType());
    }

    /** {@code name.arch.json} beside {@code name.safetensors}, if there is one. */
    private static Path besideArch(Path file) {
        String stem = file.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "");
        Path arch = file.resolveSibling(stem + StableDiffusionCheckpoint.ARCH_SUFFIX);
        return Files.isRegularFile(arch) ? arch : null;
    }

    /** Two architecture files with the same content describe the same model, wherever they lie. */
    private static String contentHash(Path file) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            return HexFormat.of().formatHex(digest);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * A file's size and modification time; for a diffusers folder, the sum of its files' sizes and the latest of
     * their times (a folder's own time does not change when a file inside is rewritten).
     */
    private static long[] sizeAndTime(Path path) {
        if (!Files.isDirectory(path)) {
            BasicFileAttributes a = attributes(path);
            return new long[] {a.size(), a.lastModifiedTime().toMillis()};
        }
        long[] total = {0, 0};
        try (var walk = Files.walk(path)) {
            walk.filter(Files::isRegularFile).forEach(f -> {
                BasicFileAttributes a = attributes(f);
                total[0] += a.size();
                total[1] = Math.max(total[1], a.lastModifiedTime().toMillis());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot be read: " + e.getMessage(), e);
        }
        return total;
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot be read: " + e.getMessage(), e);
        }
    }

}
