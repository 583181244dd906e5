package dev.tessera.llm.nodes.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.llm.loading.LlmCheckpoint;
import dev.tessera.tensor.TensorRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The loaded language models, shared by every LLMLoader and run, as checkpoints are: a folder is opened once per
 * (real path, its files' sizes and modification times, device, dtype) and shared by all handles over it; it is
 * closed when the last handle closes. A folder changed on disk is a new key, so it loads anew.
 */
@Component(service = LlmModels.class)
public final class LlmModels {

    private record Key(Path folder, String fingerprint, Device device, DataType dtype) {}

    private static final class Entry {
        final LlmCheckpoint checkpoint;
        final NDManager manager;
        int leases;

        Entry(LlmCheckpoint checkpoint, NDManager manager) {
            this.checkpoint = checkpoint;
            this.manager = manager;
        }

        void close() {
            checkpoint.close();
            manager.close();
        }
    }

    private final TensorRuntime tensors;
    private final Map<Key, Entry> open = new HashMap<>();
    private int loads;

    @Activate
    public LlmModels(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    /** A handle over the model folder {@code folder}, opened unless a handle holds it now. */
    public synchronized LlmHandle open(Path folder) {
        Path real;
        try {
            real = folder.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": cannot be read: " + e.getMessage(), e);
        }
        Key key = new Key(real, fingerprint(real), tensors.device(), tensors.computeType());
        Entry entry = open.get(key);
        if (entry == null) {
            NDManager manager = tensors.newManager("llm " + real.getFileName());
            try {
                entry = new Entry(tensors.call(() -> LlmCheckpoint.open(real, tensors.device(), tensors.computeType(),
                        manager)), manager);
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            }
            open.put(key, entry);
            loads++;
        }
        entry.leases++;
        Entry leased = entry;
        return new LlmHandle(entry.checkpoint, () -> release(key, leased));
    }

    private void release(Key key, Entry entry) {
        synchronized (this) {
            if (--entry.leases > 0) {
                return;
            }
            open.remove(key, entry);
        }
        entry.close();
    }

    /** How many folders have been opened since activation. */
    public synchronized int loads() {
        return loads;
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
    synchronized void deactivate() {
        open.values().forEach(Entry::close);
        open.clear();
    }
}
