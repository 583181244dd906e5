package dev.tessera.models.dit.loading;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.core.ComputeTypes;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.loading.JsonConfig;
import dev.tessera.models.core.loading.PartsWeightSource;
import dev.tessera.models.core.loading.StoredPart;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * How a transformer checkpoint (FLUX, SD3) is opened from a diffusers folder or an original single file: the steps
 * are the same for every family (dtype check, configuration, key conversion, header verification against the
 * model, files closed on failure); a family gives only what differs.
 *
 * @param <C> the configuration
 * @param <K> the checkpoint
 */
abstract class TransformerOpener<C, K extends TransformerCheckpoint<C, ?>> {

    /** What the transformer is called in messages ({@code "SD3 transformer"}). */
    private final String what;
    /** Names the single-file layout in its description ({@code "SD3 single file"}). */
    private final String singleFileLabel;

    TransformerOpener(String what, String singleFileLabel) {
        this.what = what;
        this.singleFileLabel = singleFileLabel;
    }

    /** The configuration from a diffusers {@code config.json}. */
    abstract C diffusersConfig(JsonConfig json);

    /** The single-file key prefix ({@code ""} when bare), or null when the names are not this family's. */
    abstract String prefix(Set<String> names);

    /** The error for a single file without this family's marker key. */
    abstract ModelLoadException notSingleFile(Path file);

    /** The configuration from a single file's shapes, {@code arch} (may be null) overriding. */
    abstract C singleFileConfig(SafetensorsFile file, String prefix, JsonConfig arch);

    /** The single file's parameters under diffusers' names. */
    abstract Map<String, StoredPart> convert(C config, SafetensorsFile file, String prefix);

    /** Which stored tensors of a single file are the transformer's (every one must then be used). */
    abstract Predicate<String> belongs(String prefix);

    /** The model over {@code weights} in float32, built only for its parameter names and shapes. */
    abstract Object model(C config, Weights weights);

    /** The configuration described for a mismatch message. */
    abstract String describe(C config);

    abstract K create(C config, List<SafetensorsFile> files, PartsWeightSource source, NDManager manager,
            DataType dtype, String description);

    /** A folder as diffusers, a file as the single file with {@code archFile} or {@code name.arch.json} beside it. */
    final K open(Path path, Path archFile, DataType dtype, NDManager manager) {
        if (Files.isDirectory(path)) {
            return openDiffusers(path, dtype, manager);
        }
        return openSingleFile(path, archFile == null ? TransformerCheckpoint.archBeside(path) : archFile, dtype,
                manager);
    }

    final K openDiffusers(Path folder, DataType dtype, NDManager manager) {
        ComputeTypes.require(dtype, what);
        Path dir = CheckpointParts.diffusersDir(folder, what);
        C config = diffusersConfig(JsonConfig.read(dir.resolve("config.json")));
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            Map<String, StoredPart> parts = CheckpointParts.diffusers(dir, files);
            verify(config, parts, files, name -> true, dir.toString());
            return create(config, files, new PartsWeightSource(parts), manager, dtype, "diffusers folder " + dir);
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    final K openSingleFile(Path file, Path archFile, DataType dtype, NDManager manager) {
        ComputeTypes.require(dtype, what);
        SafetensorsFile opened = CheckpointParts.openSafetensors(file);
        try {
            String prefix = prefix(opened.names());
            if (prefix == null) {
                throw notSingleFile(file);
            }
            JsonConfig arch = archFile == null ? null : JsonConfig.read(archFile);
            C config = singleFileConfig(opened, prefix, arch);
            Map<String, StoredPart> parts = convert(config, opened, prefix);
            verify(config, parts, List.of(opened), belongs(prefix), file.toString());
            return create(config, List.of(opened), new PartsWeightSource(parts), manager, dtype,
                    singleFileLabel + " " + file);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    private void verify(C config, Map<String, StoredPart> parts, List<SafetensorsFile> files,
            Predicate<String> belongs, String where) {
        CheckpointParts.verify(ParameterSpecs.of(w -> model(config, w)), parts, files, belongs, where,
                describe(config));
    }
}
