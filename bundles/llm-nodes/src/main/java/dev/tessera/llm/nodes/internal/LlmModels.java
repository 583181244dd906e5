package dev.tessera.llm.nodes.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.core.sharing.FileStamp;
import dev.tessera.models.core.sharing.Shared;
import dev.tessera.models.core.sharing.SharedFiles;
import dev.tessera.models.llm.loading.LlmCheckpoint;
import dev.tessera.tensor.TensorRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The loaded language models, shared by every LLMLoader and run through models-core's {@link SharedFiles}, as
 * checkpoints are: a folder is opened once per (real path, its files' sizes and latest modification time, device,
 * dtype) and shared by all handles over it; it is closed when the last handle closes. A folder changed on disk is a
 * new key, so it loads anew.
 */
@Component(service = LlmModels.class)
public final class LlmModels {

    /** A folder by its stamp. */
    private record Key(FileStamp folder, Device device, DataType dtype) {}

    /** A loaded folder and the manager its tensors live on; closing twice (stop, then the last handle) is harmless. */
    private record Loaded(LlmCheckpoint checkpoint, NDManager manager, AtomicBoolean closed) implements AutoCloseable {

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                checkpoint.close();
                manager.close();
            }
        }
    }

    private final TensorRuntime tensors;
    private final SharedFiles open = new SharedFiles("the language model cache");

    @Activate
    public LlmModels(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    /** A handle over the model folder {@code folder}, opened unless a handle holds it now. */
    public LlmHandle open(Path folder) {
        Key key = new Key(FileStamp.of(folder), tensors.device(), tensors.computeType());
        Shared.Lease<Loaded> lease = open.lease(key, () -> {
            NDManager manager = tensors.newManager("llm " + key.folder().file().getFileName());
            try {
                return new Loaded(tensors.call(() -> LlmCheckpoint.open(key.folder().file(), tensors.device(),
                        tensors.computeType(), manager)), manager, new AtomicBoolean());
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            }
        });
        return new LlmHandle(lease.get().checkpoint(), lease::close);
    }

    /** How many folders have been opened since activation. */
    public int loads() {
        return open.loads();
    }

    /** The folder's files by name, size and modification time: a replaced file changes it. */
    public static String fingerprint(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            StringBuilder s = new StringBuilder();
            files.sorted().forEach(f -> {
                try {
                    s.append(f.getFileName()).append(':').append(Files.size(f)).append(':')
                            .append(Files.getLastModifiedTime(f).toMillis()).append(';');
                } catch (IOException e) {
                    s.append(f.getFileName()).append(":?;");
                }
            });
            return s.toString();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    @Deactivate
    void deactivate() {
        open.close();
    }
}
