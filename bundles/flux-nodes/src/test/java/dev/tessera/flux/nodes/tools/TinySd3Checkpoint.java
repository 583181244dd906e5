package dev.tessera.flux.nodes.tools;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Writes an SD3 single file that includes its text encoders, under ComfyUI's key names, from the conformance pack's
 * tensors (random weights; nothing is generated): the tiny MMDiT ({@code model.diffusion_model.*}; its
 * {@code y_embedder.mlp.0.weight} cut to its first 32 input columns, so that it takes the pooled vector the tiny
 * CLIPs give, 16 + 16, unless {@code widePooled}), the tiny SDXL CLIP-L under
 * {@code text_encoders.clip_l.transformer.text_model.}, the tiny CLIP-G under {@code text_encoders.clip_g.transformer.}
 * (its projection at transformers' top level), the tiny T5 under {@code text_encoders.t5xxl.transformer.}, the tiny
 * SD VAE of {@code tiny-sd15.safetensors} ({@code first_stage_model.*}); and {@code <name>.arch.json} with what the
 * shapes do not tell (the MMDiT's, the VAE's, CLIP heads of 8, the tokenizer's end id 1, T5's maximum distance 16).
 *
 * <p>{@code sample-workflows/models/checkpoints/tiny-sd3.safetensors} is its output: run
 * {@code java -cp <test classpath> dev.tessera.flux.nodes.tools.TinySd3Checkpoint <repository>}
 * ({@code Sd3TextEncodersTest} checks the committed file is what it writes).
 */
public final class TinySd3Checkpoint {

    private TinySd3Checkpoint() {}

    public static void main(String[] args) throws IOException {
        Path repo = Path.of(args[0]);
        Path dir = repo.resolve("sample-workflows/models/checkpoints");
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            write(repo, dir, "tiny-sd3", false, manager);
        }
        Path clip = Files.createDirectories(dir.resolve("tiny-sd3.tokenizer"));
        Files.copy(repo.resolve("testdata/conformance/tokenizers/clip-style/tokenizer.json"),
                clip.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        Path t5 = Files.createDirectories(dir.resolve("tiny-sd3.t5-tokenizer"));
        Files.copy(repo.resolve("bundles/flux-nodes/src/test/resources/t5-tokenizer/tokenizer.json"),
                t5.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Writes {@code dir/name.safetensors} and {@code dir/name.arch.json}; returns the first. */
    public static Path write(Path repo, Path dir, String name, boolean widePooled, NDManager manager)
            throws IOException {
        Path pack = repo.resolve("testdata/conformance");
        Path sd15 = repo.resolve("sample-workflows/models/checkpoints/tiny-sd15.safetensors");
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".safetensors");
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> all = new LinkedHashMap<>();
            copy(all, pack.resolve("sd3/single-file/tiny-sd3.safetensors"), "", n -> true, m);
            if (!widePooled) {
                String y = "model.diffusion_model.y_embedder.mlp.0.weight";
                all.put(y, all.get(y).get(new NDIndex(":, 0:32")).duplicate());
            }
            copy(all, pack.resolve("sdxl/diffusers/text_encoder/model.safetensors"),
                    "text_encoders.clip_l.transformer.text_model.", n -> true, m);
            copy(all, pack.resolve("sdxl/diffusers/text_encoder_2/model.safetensors"),
                    "text_encoders.clip_g.transformer.", n -> true, m);
            copy(all, pack.resolve("t5/encoder/model.safetensors"), "text_encoders.t5xxl.transformer.", n -> true, m);
            copy(all, sd15, "", n -> n.startsWith("first_stage_model."), m);
            SafetensorsWriter.write(file, all, Map.of());
        }
        String vae = Files.readString(sd15.resolveSibling("tiny-sd15.arch.json"));
        vae = vae.substring(vae.indexOf("\"vae\""), vae.indexOf("\"text_encoder\"")).trim().replaceAll(",$", "");
        String arch = Files.readString(pack.resolve("sd3/single-file/tiny-sd3.arch.json"))
                .replace("\"pooled_dim\": 64", "\"pooled_dim\": " + (widePooled ? 64 : 32)).trim()
                .replaceFirst("\"note\": \"[^\"]*\"", "\"note\": \"What the keys do not tell (written by"
                        + " TinySd3Checkpoint from the conformance pack's tiny SD3, SDXL CLIPs, T5 and SD VAE; random"
                        + " weights). Real SD3: heads of 64, 16 latent channels, CLIP heads of 64 and CLIP's own end"
                        + " token (the tiny tokenizer ends with id 1), T5's maximum distance 128.\"");
        String encoders = "\"clip_l\": {\"num_attention_heads\": 2, \"eos_token_id\": 1},\n  \"clip_g\":"
                + " {\"num_attention_heads\": 2, \"eos_token_id\": 1},\n  \"t5xxl\":"
                + " {\"relative_attention_max_distance\": 16}";
        Files.writeString(dir.resolve(name + ".arch.json"), arch.substring(0, arch.length() - 1).stripTrailing()
                + ",\n  " + vae + ",\n  " + encoders + "\n}\n");
        return file;
    }

    private static void copy(Map<String, NDArray> into, Path from, String prefix, Predicate<String> keep,
            NDManager manager) {
        try (SafetensorsFile file = SafetensorsFile.open(from)) {
            for (String name : file.names()) {
                if (keep.test(name)) {
                    into.put(prefix + name, file.load(name, manager));
                }
            }
        }
    }
}
