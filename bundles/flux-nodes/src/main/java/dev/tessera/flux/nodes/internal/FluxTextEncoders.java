package dev.tessera.flux.nodes.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.core.DeviceWeights;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.t5.T5Tokenizer;
import dev.tessera.models.t5.loading.T5EncoderCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tokenizers.TextTokenizer;
import dev.tessera.tokenizers.TokenizerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens FLUX's two text encoders from the files DualCLIPLoader names (either order; told apart by their tensors).
 *
 * <p>Tokenizers, which ComfyUI ships in its code and single files do not carry, are looked up beside the files:
 * T5's in its transformers folder ({@code tokenizer.json}), else {@code <name>.tokenizer/} beside the file, else
 * {@code models/tokenizers/t5xxl/}; CLIP-L's in {@code <name>.tokenizer/} beside the file, else
 * {@code models/tokenizers/clip_l/} (the same folder SD1.x checkpoints use).
 */
public final class FluxTextEncoders {

    /** A problem with one of the two files (0 = the first, 1 = the second). */
    public static final class InputException extends IllegalArgumentException {
        private final int input;

        InputException(int input, String message, Throwable cause) {
            super(message, cause);
            this.input = input;
        }

        public int input() {
            return input;
        }
    }

    static final String T5_FINAL_NORM = "encoder.final_layer_norm.weight";

    private FluxTextEncoders() {}

    /**
     * @param tokenizers the {@code models/tokenizers} folder
     * @param manager owned by the result (closed with its last handle); its device is the compute device
     */
    public static FluxTextEncoder open(Path first, Path second, Path tokenizers, DataType dtype,
            NDManager manager) {
        Path[] files = {first, second};
        int t5Index = -1;
        int clipIndex = -1;
        for (int i = 0; i < 2; i++) {
            if (Files.isDirectory(files[i]) || !files[i].getFileName().toString().endsWith(".safetensors")) {
                throw new InputException(i, files[i] + ": expected a .safetensors file (for a transformers folder,"
                        + " pick its model.safetensors)", null);
            }
            boolean t5;
            boolean clip;
            try (SafetensorsFile file = SafetensorsFile.open(files[i])) {
                t5 = file.names().stream().anyMatch(n -> n.endsWith(T5_FINAL_NORM));
                clip = ClipLFile.prefixOf(file.names()) != null;
            } catch (RuntimeException e) {
                throw new InputException(i, files[i] + ": " + e.getMessage(), e);
            }
            if (t5 == clip) {
                throw new InputException(i, files[i] + ": neither a T5 encoder ('" + T5_FINAL_NORM + "') nor a CLIP"
                        + " text encoder ('" + ClipLFile.TOKEN_EMBEDDING + "'); FLUX takes one of each", null);
            }
            if (t5) {
                if (t5Index >= 0) {
                    throw new InputException(i, "both files are T5 encoders; FLUX takes T5 and CLIP-L", null);
                }
                t5Index = i;
            } else {
                if (clipIndex >= 0) {
                    throw new InputException(i, "both files are CLIP text encoders; FLUX takes T5 and CLIP-L", null);
                }
                clipIndex = i;
            }
        }
        Path t5Path = files[t5Index];
        Path clipPath = files[clipIndex];
        T5EncoderCheckpoint t5 = null;
        T5Tokenizer t5Tokenizer = null;
        SafetensorsFile clipStored = null;
        ClipLFile clipFile = null;
        TextTokenizer clipText = null;
        DeviceWeights clipWeights = null;
        int stage = t5Index;
        try {
            boolean folder = t5Path.getFileName().toString().startsWith("model")
                    && Files.isRegularFile(t5Path.resolveSibling("config.json"));
            t5 = T5EncoderCheckpoint.open(folder ? t5Path.getParent() : t5Path, manager.getDevice(), dtype, manager);
            t5Tokenizer = T5Tokenizer.fromFolder(tokenizerFolder(t5Path, folder,
                    tokenizers.resolve("t5xxl"), "T5"));
            stage = clipIndex;
            clipStored = SafetensorsFile.open(clipPath);
            clipFile = ClipLFile.open(clipPath, clipStored);
            clipStored = null;
            clipText = clipTokenizer(clipPath, tokenizers.resolve("clip_l"));
            clipWeights = new DeviceWeights(clipFile, manager.newSubManager(), dtype);
            String name = t5Path.getFileName() + " + " + clipPath.getFileName();
            return new FluxTextEncoder(new FluxTextEncoder.Parts(name, t5, t5Tokenizer,
                    T5Tokenizer.FLUX_DEV_MAX_LENGTH, clipFile, clipWeights, clipText, manager));
        } catch (ModelLoadException | TokenizerException | IllegalArgumentException e) {
            closeAll(t5, t5Tokenizer, clipStored, clipFile, clipText, clipWeights);
            throw new InputException(stage, e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(t5, t5Tokenizer, clipStored, clipFile, clipText, clipWeights);
            throw e;
        }
    }

    static Path tokenizerFolder(Path file, boolean folder, Path shared, String what) {
        List<Path> candidates = new ArrayList<>();
        if (folder) {
            candidates.add(file.getParent());
        }
        candidates.add(ownTokenizer(file));
        candidates.add(shared);
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate.resolve(TextTokenizer.TOKENIZER_JSON))) {
                return candidate;
            }
        }
        throw new TokenizerException(file + ": no " + what + " tokenizer (" + TextTokenizer.TOKENIZER_JSON
                + ") in any of " + candidates);
    }

    static TextTokenizer clipTokenizer(Path file, Path shared) {
        List<Path> candidates = List.of(ownTokenizer(file), shared);
        try {
            return TextTokenizer.fromFirstFolder(candidates);
        } catch (TokenizerException e) {
            throw new TokenizerException(file + ": a CLIP text encoder needs a CLIP tokenizer: " + e.getMessage());
        }
    }

    private static Path ownTokenizer(Path file) {
        return file.resolveSibling(file.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "")
                + ".tokenizer");
    }

    private static void closeAll(AutoCloseable... parts) {
        for (AutoCloseable part : parts) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception ignored) {
                    // already failing; the first error is the one reported
                }
            }
        }
    }
}
