package dev.tessera.models.sd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged, mismatched and foreign files fail at open with a message naming the file, the tensor and the shapes. */
class CheckpointErrorsTest {

    @TempDir
    Path temp;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void truncatedSingleFileNamesTheFileAndTheTensorCut() throws IOException {
        byte[] whole = Files.readAllBytes(Pack.singleFile());
        Path truncated = temp.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
        String message = failOpenSingle(truncated, null);
        assertTrue(message.contains(truncated.toString()) && message.contains("data_offsets")
                && message.contains("tensor '"), message);

        Path stub = temp.resolve("stub.safetensors");
        Files.write(stub, java.util.Arrays.copyOf(whole, 5));
        message = failOpenSingle(stub, null);
        assertTrue(message.contains(stub.toString()) && message.contains("truncated"), message);
    }

    @Test
    void missingParameterIsNamedWithItsExpectedShape() throws IOException {
        Path folder = diffusersCopy(tensors -> tensors.remove("mid_block.attentions.0.proj_in.weight"));
        String message = failOpenDiffusers(folder);
        assertTrue(message.contains("unet parameter 'mid_block.attentions.0.proj_in.weight' is missing")
                && message.contains("(32, 32, 1, 1)"), message);
    }

    @Test
    void wrongShapeIsNamedWithExpectedAndFoundShapes() throws IOException {
        Path folder = diffusersCopy(tensors -> tensors.put("conv_in.weight", manager.zeros(new Shape(16, 4, 1, 1))));
        String message = failOpenDiffusers(folder);
        assertTrue(message.contains("'conv_in.weight'") && message.contains("[16, 4, 1, 1]")
                && message.contains("expected (16, 4, 3, 3)"), message);
    }

    @Test
    void unexpectedTensorIsNamed() throws IOException {
        Path folder = diffusersCopy(tensors -> tensors.put("down_blocks.0.resnets.0.extra.weight",
                manager.zeros(new Shape(3))));
        String message = failOpenDiffusers(folder);
        assertTrue(message.contains("unexpected unet tensor 'down_blocks.0.resnets.0.extra.weight'"), message);
    }

    @Test
    void missingSingleFileParameterNamesBothNames() throws IOException {
        Path file = temp.resolve("tiny-sd15.safetensors");
        rewrite(Pack.singleFile(), file, t -> t.remove("model.diffusion_model.input_blocks.1.1.proj_out.bias"));
        String message = failOpenSingle(file, Pack.sd15().resolve("single-file/tiny-sd15.arch.json"));
        assertTrue(message.contains("'down_blocks.0.attentions.0.proj_out.bias'")
                && message.contains("stored as 'model.diffusion_model.input_blocks.1.1.proj_out.bias'")
                && message.contains("(16)"), message);
    }

    @Test
    void withoutItsArchitectureFileTheTinyCheckpointGetsStandardNormGroupsAndSaysWhy() {
        String message = failOpenSingle(Pack.singleFile(), null);
        assertTrue(message.contains(Pack.singleFile().toString()) && message.contains("no architecture file")
                && message.contains("norm_num_groups = 32") && message.contains("block_out_channels[0] = 16"),
                message);
    }

    @Test
    void architectureFileThatContradictsTheFileIsReported() throws IOException {
        Path arch = temp.resolve("bad.arch.json");
        Files.writeString(arch, "{\"unet\": {\"norm_num_groups\": 4, \"num_heads\": 8, \"context_dim\": 64},"
                + " \"vae\": {\"norm_num_groups\": 4}, \"text_encoder\": {\"num_attention_heads\": 4}}",
                StandardCharsets.UTF_8);
        String message = failOpenSingle(Pack.singleFile(), arch);
        assertTrue(message.contains("attn2.to_k.weight") && message.contains("expected (16, 64)")
                && message.contains("[16, 32]"), message);
    }

    @Test
    void otherFamiliesAreNamed() {
        String message = failOpenSingle(Pack.root().resolve("flux/single-file/tiny-flux.safetensors"), null);
        assertTrue(message.contains("FLUX") && message.contains("not a Stable Diffusion 1.x or XL"), message);
        message = failOpenSingle(Pack.sd15().resolve("diffusers/unet/diffusion_pytorch_model.safetensors"), null);
        assertTrue(message.contains("diffusers component file"), message);
    }

    @Test
    void pickleIsRefusedUnread() throws IOException {
        Path ckpt = Files.writeString(temp.resolve("model.ckpt"), "not even read");
        String message = failOpenSingle(ckpt, null);
        assertTrue(message.contains("pickle"), message);
    }

    @Test
    void unsupportedConfigurationKeyIsNamed() throws IOException {
        Path folder = diffusersCopy(tensors -> { });
        Path config = folder.resolve("unet/config.json");
        Files.writeString(config, Files.readString(config).replace("\"addition_embed_type\": null",
                "\"addition_embed_type\": \"image\""));
        String message = failOpenDiffusers(folder);
        assertTrue(message.contains(config.toString()) && message.contains("'addition_embed_type'")
                && message.contains("'image' is not supported") && message.contains("text_time"), message);
    }

    @Test
    void anSdxlRefinerIsRecognisedAndRefused() {
        Path refiner = temp.resolve("refiner.safetensors");
        // The refiner's only text encoder is OpenCLIP-G as the first embedder.
        rewrite(SdxlConformanceTest.sdxl().resolve("single-file/tiny-sdxl-unet-te.safetensors"), refiner, t -> {
            Map<String, NDArray> renamed = new LinkedHashMap<>();
            t.forEach((name, value) -> {
                if (!name.startsWith("conditioner.embedders.0.")) {
                    renamed.put(name.replace("conditioner.embedders.1.", "conditioner.embedders.0."), value);
                }
            });
            t.clear();
            t.putAll(renamed);
        });
        String message = failOpenSingle(refiner, null);
        assertTrue(message.contains(refiner.toString()) && message.contains("Stable Diffusion XL refiner")
                && message.contains("not supported"), message);
    }

    @Test
    void anSd2FileIsRecognisedAndRefused() {
        Path sd2 = temp.resolve("sd2.safetensors");
        rewrite(Pack.singleFile(), sd2, t -> {
            Map<String, NDArray> renamed = new LinkedHashMap<>();
            t.forEach((name, value) -> renamed.put(name.replace("cond_stage_model.transformer.",
                    "cond_stage_model.model."), value));
            t.clear();
            t.putAll(renamed);
        });
        String message = failOpenSingle(sd2, null);
        assertTrue(message.contains(sd2.toString()) && message.contains("Stable Diffusion 2.x")
                && message.contains("not a Stable Diffusion 1.x or XL checkpoint"), message);
    }

    private String failOpenSingle(Path file, Path arch) {
        return assertThrows(ModelLoadException.class, () -> StableDiffusionCheckpoint.openSingleFile(file, arch,
                Device.cpu(), DataType.FLOAT32, manager)).getMessage();
    }

    private String failOpenDiffusers(Path folder) {
        return assertThrows(ModelLoadException.class, () -> StableDiffusionCheckpoint.openDiffusers(folder,
                Device.cpu(), DataType.FLOAT32, manager)).getMessage();
    }

    /** A copy of the pack's diffusers folder whose UNet tensors went through {@code edit}. */
    private Path diffusersCopy(Consumer<Map<String, NDArray>> edit) throws IOException {
        Path source = Pack.sd15().resolve("diffusers");
        Path target = temp.resolve("diffusers");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path path : files.toList()) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy);
                }
            }
        }
        Path unet = target.resolve("unet/diffusion_pytorch_model.safetensors");
        rewrite(unet, unet, edit);
        return target;
    }

    private void rewrite(Path from, Path to, Consumer<Map<String, NDArray>> edit) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(from)) {
            for (String name : file.names()) {
                tensors.put(name, file.load(name, manager));
            }
        }
        edit.accept(tensors);
        SafetensorsWriter.write(to, tensors, Map.of("format", "pt"));
    }
}
