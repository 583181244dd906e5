package dev.tessera.models.dit.loading;

import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.loading.JsonConfig;
import dev.tessera.models.core.loading.StoredPart;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/** What the transformer checkpoints (FLUX, SD3) share: diffusers folder weights, header checks, block counts. */
final class CheckpointParts {

    static final String DIFFUSERS_WEIGHTS = "diffusion_pytorch_model";

    private CheckpointParts() {
    }

    /**
     * The model folder of a diffusers folder: the folder itself when it holds {@code config.json}, else its
     * {@code transformer/} (a pipeline folder); fails naming the folder when there is no config.json.
     *
     * @param model what the folder should hold, for the message ("SD3 transformer")
     */
    static Path diffusersDir(Path folder, String model) {
        Path dir = Files.isRegularFile(folder.resolve("config.json")) ? folder : folder.resolve("transformer");
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new ModelLoadException(folder + ": no config.json (a diffusers " + model + " folder has"
                    + " config.json and " + DIFFUSERS_WEIGHTS + ".safetensors)");
        }
        return dir;
    }

    /** Opens a single file, refusing anything but {@code .safetensors} unread (pickles can run code). */
    static SafetensorsFile openSafetensors(Path file) {
        if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
            throw new ModelLoadException(file + ": only .safetensors files are loaded (pickle checkpoints such as"
                    + " .ckpt, .pt, .bin can run code when read)");
        }
        return SafetensorsFile.open(file);
    }

    /**
     * The stored tensors of a diffusers model folder ({@code diffusion_pytorch_model.safetensors} or its sharded
     * form), by name; opened files are added to {@code files} (the caller closes them, also on failure).
     */
    static Map<String, StoredPart> diffusers(Path dir, List<SafetensorsFile> files) {
        Map<String, StoredPart> parts = new LinkedHashMap<>();
        Path single = dir.resolve(DIFFUSERS_WEIGHTS + ".safetensors");
        Path index = dir.resolve(DIFFUSERS_WEIGHTS + ".safetensors.index.json");
        if (Files.isRegularFile(single)) {
            SafetensorsFile file = SafetensorsFile.open(single);
            files.add(file);
            file.names().forEach(name -> parts.put(name, StoredPart.whole(file, name)));
        } else if (Files.isRegularFile(index)) {
            Map<String, String> weightMap = JsonConfig.read(index).stringMap("weight_map");
            Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : weightMap.entrySet()) {
                SafetensorsFile shard = shards.computeIfAbsent(entry.getValue(), shardName -> {
                    SafetensorsFile opened = SafetensorsFile.open(dir.resolve(shardName));
                    files.add(opened);
                    return opened;
                });
                parts.put(entry.getKey(), StoredPart.whole(shard, entry.getKey()));
            }
        } else {
            rejectPickles(dir);
            throw new ModelLoadException(dir + ": no " + DIFFUSERS_WEIGHTS + ".safetensors (nor a sharded index)");
        }
        return parts;
    }

    /**
     * Checks every parameter the model will ask for ({@code expected}) against the stored headers, then that no
     * stored tensor of the transformer ({@code belongs}) is left over; the first problem fails with file,
     * canonical and stored name and shapes.
     *
     * @param model what the leftover tensors are not a parameter of, for the message
     */
    static void verify(Map<String, Shape> expected, Map<String, StoredPart> parts, List<SafetensorsFile> files,
            Predicate<String> belongs, String where, String model) {
        Set<String> used = new LinkedHashSet<>();
        for (Map.Entry<String, Shape> entry : expected.entrySet()) {
            String name = entry.getKey();
            StoredPart part = parts.get(name);
            if (part == null || !part.file().contains(part.stored())) {
                String as = part == null || part.stored().equals(name) ? "" : " (stored as '" + part.stored() + "')";
                throw new ModelLoadException(where + ": transformer parameter '" + name + "'" + as
                        + " is missing; expected shape " + entry.getValue());
            }
            long[] stored = part.file().info(part.stored()).shape();
            Shape shape = new Shape(stored);
            if (part.sliced()) {
                long[] fused = entry.getValue().getShape().clone();
                fused[0] = part.fusedRows();
                if (stored.length == 0 || !Arrays.equals(stored, fused)) {
                    throw new ModelLoadException(where + ": fused tensor '" + part.stored() + "' has shape "
                            + Arrays.toString(stored) + ", expected " + Arrays.toString(fused) + " (it holds '" + name
                            + "' " + entry.getValue() + " at rows " + part.rowStart() + ".." + (part.rowStart()
                                    + part.rows() - 1) + ")");
                }
                shape = entry.getValue();
            }
            if (!shape.equals(entry.getValue())) {
                String as = part.stored().equals(name) ? "" : " (stored as '" + part.stored() + "')";
                throw new ModelLoadException(where + ": transformer parameter '" + name + "'" + as + " has shape "
                        + Arrays.toString(stored) + ", expected " + entry.getValue());
            }
            used.add(part.stored());
        }
        Map<String, SafetensorsFile> unexpected = new TreeMap<>();
        for (SafetensorsFile file : files) {
            for (String stored : file.names()) {
                if (belongs.test(stored) && !used.contains(stored)) {
                    unexpected.putIfAbsent(stored, file);
                }
            }
        }
        if (!unexpected.isEmpty()) {
            Map.Entry<String, SafetensorsFile> first = unexpected.entrySet().iterator().next();
            throw new ModelLoadException(where + ": unexpected transformer tensor '" + first.getKey() + "' "
                    + Arrays.toString(first.getValue().info(first.getKey()).shape()) + " (" + unexpected.size()
                    + " in all): not a parameter of " + model);
        }
    }

    /** Number of blocks {@code prefix<i>.…}: one more than the highest index. */
    static int count(SafetensorsFile file, String prefix) {
        int blocks = 0;
        for (String name : file.names()) {
            if (name.startsWith(prefix)) {
                String rest = name.substring(prefix.length());
                int dot = rest.indexOf('.');
                try {
                    blocks = Math.max(blocks, Integer.parseInt(rest.substring(0, dot)) + 1);
                } catch (RuntimeException e) {
                    throw new ModelLoadException(file.path() + ": tensor '" + name + "' has no block number");
                }
            }
        }
        return blocks;
    }

    /** Whether {@code prefix<i>.<rest>} exists for block {@code i}. */
    static boolean has(SafetensorsFile file, String prefix, int block, String rest) {
        return file.contains(prefix + block + "." + rest);
    }

    static void rejectPickles(Path dir) {
        for (String pickle : new String[] {".bin", ".pt", ".ckpt"}) {
            if (Files.isRegularFile(dir.resolve(DIFFUSERS_WEIGHTS + pickle))) {
                throw new ModelLoadException(dir.resolve(DIFFUSERS_WEIGHTS + pickle) + ": pickle files are not"
                        + " loaded (they can run code when read); convert it to safetensors");
            }
        }
    }
}
