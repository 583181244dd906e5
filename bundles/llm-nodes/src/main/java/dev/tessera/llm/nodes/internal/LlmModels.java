package dev.tessera.llm.nodes.internal;

import ai.djl.ndarray.NDManager;
import dev.tessera.model.api.runtime.OpenCheckpoints;
import dev.tessera.model.api.runtime.Shared;
import dev.tessera.models.llm.loading.LlmCheckpoint;
import dev.tessera.tensor.TensorRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The loaded language models, shared by every LLMLoader and run through model-api's {@link OpenCheckpoints}, as
 * checkpoints are: a folder is opened once per (real path, its files' sizes and latest modification time, device,
 * dtype) and shared by all handles over it; it is closed when the last handle closes. A folder changed on disk is a
 * new key, so it loads anew.
 */
@Component(service = LlmModels.class)
public final class LlmModels {

    /** A loaded folder and the manager its tensors live on. */
    private record Loaded(LlmCheckpoint checkpoint, NDManager manager) implements AutoCloseable {

        @Override
        public void close() {
            checkpoint.close();
            manager.close();
        }
    }

    private final TensorRuntime tensors;
    private final OpenCheckpoints open = new OpenCheckpoints("the language model cache");

    @Activate
    public LlmModels(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    /** A handle over the model folder {@code folder}, opened unless a handle holds it now. */
    public LlmHandle open(Path folder) {
        OpenCheckpoints.Key key = OpenCheckpoints.key("llm", folder, tensors.device(), tensors.computeType());
        Shared.Lease<Loaded> lease = open.lease(key, () -> {
            NDManager manager = tensors.newManager("llm " + key.file().getFileName());
            try {
                return new Loaded(tensors.call(() -> LlmCheckpoint.open(key.file(), tensors.device(),
                        tensors.computeType(), manager)), manager);
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
