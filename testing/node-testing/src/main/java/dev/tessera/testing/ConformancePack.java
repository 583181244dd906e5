package dev.tessera.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The conformance pack the build points tests at (system property {@code tessera.conformance.dir}, set by the root
 * pom to the project's copy), and the pack's tiny SD1.x checkpoint laid out in a models folder as a user would.
 */
public final class ConformancePack {

    private ConformancePack() {}

    public static Path dir() {
        String dir = System.getProperty("tessera.conformance.dir");
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            throw new IllegalStateException("system property tessera.conformance.dir must name the pack, is " + dir);
        }
        return Path.of(dir);
    }

    /** The repository's {@code sample-workflows} folder (its {@code models/} holds the tiny checkpoint). */
    public static Path sampleWorkflows() {
        return dir().resolve("../../sample-workflows").normalize();
    }

    /**
     * {@code models/checkpoints/} under {@code root} with the pack's tiny single-file SD1.x checkpoint, its
     * architecture file and the pack's CLIP-style tokenizer beside it (as {@code tiny-sd15.tokenizer/}).
     *
     * @return the models folder
     */
    public static Path tinySd15Models(Path root) {
        Path checkpoints = root.resolve("models").resolve("checkpoints");
        Path single = dir().resolve("sd15/single-file");
        copy(single.resolve("tiny-sd15.safetensors"), checkpoints.resolve("tiny-sd15.safetensors"));
        copy(single.resolve("tiny-sd15.arch.json"), checkpoints.resolve("tiny-sd15.arch.json"));
        copy(dir().resolve("tokenizers/clip-style/tokenizer.json"),
                checkpoints.resolve("tiny-sd15.tokenizer/tokenizer.json"));
        return root.resolve("models");
    }

    /**
     * {@code diffusion_models/} under {@code models} with the pack's single-file transformer {@code packDir/name}
     * ({@code .safetensors}) and its architecture file ({@code .arch.json}) beside it, as UNETLoader finds them.
     *
     * @return the {@code diffusion_models} folder
     */
    public static Path diffusionModel(Path models, String packDir, String name) {
        Path target = models.resolve("diffusion_models");
        Path single = dir().resolve(packDir);
        copy(single.resolve(name + ".safetensors"), target.resolve(name + ".safetensors"));
        copy(single.resolve(name + ".arch.json"), target.resolve(name + ".arch.json"));
        return target;
    }

    /** Every tensor of the safetensors file {@code file}, in file order, loaded onto {@code manager}. */
    public static Map<String, NDArray> tensors(Path file, NDManager manager) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            for (String name : st.names()) {
                tensors.put(name, st.load(name, manager));
            }
        }
        return tensors;
    }

    public static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
