package dev.tessera.models.sd;

import static dev.tessera.models.sd.Pack.FORWARD_TOLERANCE;
import static dev.tessera.models.sd.Pack.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VAE files as ComfyUI's models/vae holds them: the original layout's VAE keys, bare or under first_stage_model. */
class StandaloneVaeTest {

    private static final String PREFIX = "first_stage_model.";

    @TempDir
    Path dir;
    private NDManager manager;
    private Map<String, NDArray> reference;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        reference = Pack.sd15Case("vae", manager);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** The pack checkpoint's VAE tensors under their names without the prefix, plus {@code extra}. */
    private Path bareVaeFile(String name, Map<String, NDArray> extra) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(Pack.singleFile())) {
            for (String stored : file.names()) {
                if (stored.startsWith(PREFIX)) {
                    tensors.put(stored.substring(PREFIX.length()), file.load(stored, manager));
                }
            }
        }
        tensors.putAll(extra);
        Path out = dir.resolve(name);
        SafetensorsWriter.write(out, tensors, Map.of());
        return out;
    }

    private StableDiffusionCheckpoint openVae(Path file) {
        return StableDiffusionCheckpoint.openVaeFile(file, Pack.sd15().resolve("single-file/tiny-sd15.arch.json"),
                Device.cpu(), DataType.FLOAT32, manager);
    }

    @Test
    void bareKeysDecodeAsTheCheckpointsVaeDoes() {
        try (StableDiffusionCheckpoint vae = openVae(bareVaeFile("vae.safetensors", Map.of()));
                StableDiffusionCheckpoint full = Pack.open(Pack.Layout.SINGLE_FILE, manager, DataType.FLOAT32)) {
            assertTrue(vae.hasVae());
            assertFalse(vae.hasUnet());
            assertFalse(vae.hasTextEncoder());
            NDArray decoded = vae.vae().decode(reference.get("latent"));
            assertClose("standalone vae decoded", decoded, reference.get("decoded"), FORWARD_TOLERANCE);
            assertArrayEquals(full.vae().decode(reference.get("latent")).toFloatArray(), decoded.toFloatArray(),
                    "same tensors, same arithmetic: bit-identical");
        }
    }

    @Test
    void aWholeCheckpointServesAsAVaeFileThroughItsPrefix() {
        try (StableDiffusionCheckpoint vae = openVae(Pack.singleFile())) {
            assertFalse(vae.hasUnet(), "only the VAE is opened");
            assertClose("checkpoint as vae file", vae.vae().decode(reference.get("latent")), reference.get("decoded"),
                    FORWARD_TOLERANCE);
        }
    }

    @Test
    void errorsNameTheFileAndWhatIsWrong() {
        Path unet = dir.resolve("unet-only.safetensors");
        SafetensorsWriter.write(unet, Map.of("model.diffusion_model.input_blocks.0.0.weight",
                manager.zeros(new ai.djl.ndarray.types.Shape(16, 4, 3, 3))), Map.of());
        ModelLoadException notVae = assertThrows(ModelLoadException.class, () -> openVae(unet));
        assertTrue(notVae.getMessage().startsWith(unet + ": not a VAE file"), notVae.getMessage());

        Path extra = bareVaeFile("extra.safetensors", Map.of("decoder.surprise.weight", manager.zeros(
                new ai.djl.ndarray.types.Shape(2))));
        ModelLoadException unexpected = assertThrows(ModelLoadException.class, () -> openVae(extra));
        assertTrue(unexpected.getMessage().contains("unexpected vae tensor 'decoder.surprise.weight'"),
                unexpected.getMessage());

        Path diffusersNamed = dir.resolve("diffusers-vae.safetensors");
        SafetensorsWriter.write(diffusersNamed, Map.of(
                "encoder.conv_in.weight", manager.zeros(new ai.djl.ndarray.types.Shape(8, 3, 3, 3)),
                "decoder.conv_in.weight", manager.zeros(new ai.djl.ndarray.types.Shape(16, 4, 3, 3)),
                "encoder.down_blocks.0.resnets.0.conv1.weight", manager.zeros(new ai.djl.ndarray.types.Shape(8, 8, 3, 3))),
                Map.of());
        ModelLoadException diffusers = assertThrows(ModelLoadException.class, () -> openVae(diffusersNamed));
        assertTrue(diffusers.getMessage().contains("diffusers parameter names"), diffusers.getMessage());
        assertThrows(ModelLoadException.class, () -> openVae(dir.resolve("vae.ckpt")));
    }
}
