package dev.tessera.models.dit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What opening a broken or foreign checkpoint, or calling with bad inputs, tells the user. */
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

    /** The pack's BFL file with {@code edit} applied, written under temp. */
    private Path bfl(Consumer<Map<String, NDArray>> edit) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(Pack.singleFile())) {
            for (String name : file.names()) {
                tensors.put(name, file.load(name, manager));
            }
        }
        edit.accept(tensors);
        Path out = temp.resolve("edited.safetensors");
        SafetensorsWriter.write(out, tensors, Map.of());
        return out;
    }

    private String openFails(Path file) {
        Path arch = Pack.flux().resolve("single-file/tiny-flux.arch.json");
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> FluxCheckpoint.openSingleFile(file, arch, DataType.FLOAT32, manager.newSubManager()));
        return e.getMessage();
    }

    @Test
    void missingTensorIsNamedWithItsStoredName() {
        String message = openFails(bfl(t -> t.remove("single_blocks.1.linear2.bias")));
        assertTrue(message.contains("'single_transformer_blocks.1.proj_out.bias' (stored as"
                + " 'single_blocks.1.linear2.bias') is missing; expected shape (32)"), message);
    }

    @Test
    void unexpectedTensorIsNamed() {
        String message = openFails(bfl(t -> t.put("double_blocks.0.extra.weight", manager.zeros(new Shape(2, 2)))));
        assertTrue(message.contains("unexpected transformer tensor 'double_blocks.0.extra.weight' [2, 2]"), message);
    }

    @Test
    void fusedTensorOfTheWrongShapeIsNamed() {
        String message = openFails(bfl(t -> t.put("single_blocks.0.linear1.weight",
                manager.zeros(new Shape(220, 32)))));
        assertTrue(message.contains("fused tensor 'single_blocks.0.linear1.weight' has shape [220, 32], expected"
                + " [224, 32]"), message);
    }

    @Test
    void wrongShapeIsNamed() {
        String message = openFails(bfl(t -> t.put("txt_in.bias", manager.zeros(new Shape(31)))));
        assertTrue(message.contains("'context_embedder.bias' (stored as 'txt_in.bias') has shape [31], expected (32)"),
                message);
    }

    @Test
    void singleFileWithoutArchitectureNeedsTheRotaryAxes() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> FluxCheckpoint.openSingleFile(
                Pack.singleFile(), null, DataType.FLOAT32, manager.newSubManager()));
        assertTrue(e.getMessage().contains("axes_dims_rope"), e.getMessage());
    }

    @Test
    void foreignFilesArePickleFilesAreRefused() throws IOException {
        Path sd = Pack.root().resolve("sd15/single-file/tiny-sd15.safetensors");
        ModelLoadException foreign = assertThrows(ModelLoadException.class,
                () -> FluxCheckpoint.openSingleFile(sd, null, DataType.FLOAT32, manager.newSubManager()));
        assertTrue(foreign.getMessage().contains("not a FLUX transformer in the BFL layout"), foreign.getMessage());
        Path pickle = Files.writeString(temp.resolve("flux1-dev.ckpt"), "not read");
        ModelLoadException refused = assertThrows(ModelLoadException.class,
                () -> FluxCheckpoint.open(pickle, null, DataType.FLOAT32, manager.newSubManager()));
        assertTrue(refused.getMessage().contains("only .safetensors"), refused.getMessage());
    }

    @Test
    void diffusersConfigProblemsNameFileAndKey() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("transformer"));
        Path source = Pack.flux().resolve("diffusers/transformer");
        Files.copy(source.resolve("diffusion_pytorch_model.safetensors"),
                dir.resolve("diffusion_pytorch_model.safetensors"));
        String config = Files.readString(source.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), config.replace("\"patch_size\": 1", "\"patch_size\": 2"));
        ModelLoadException patch = assertThrows(ModelLoadException.class,
                () -> FluxCheckpoint.openDiffusers(dir, DataType.FLOAT32, manager.newSubManager()));
        assertTrue(patch.getMessage().contains("config.json: key 'patch_size'"), patch.getMessage());
        Files.writeString(dir.resolve("config.json"), config.replace("[\n    4,", "[\n    6,"));
        ModelLoadException axes = assertThrows(ModelLoadException.class,
                () -> FluxCheckpoint.openDiffusers(dir, DataType.FLOAT32, manager.newSubManager()));
        assertTrue(axes.getMessage().contains("axes_dims_rope [6, 6, 6] sums to 18, expected attention_head_dim 16"),
                axes.getMessage());
        Files.writeString(dir.resolve("config.json"), config.replace("\"num_single_layers\": 2",
                "\"num_single_layers\": 3"));
        ModelLoadException missing = assertThrows(ModelLoadException.class,
                () -> FluxCheckpoint.openDiffusers(dir, DataType.FLOAT32, manager.newSubManager()));
        assertTrue(missing.getMessage().contains("'single_transformer_blocks.2."), missing.getMessage());
    }

    @Test
    void bfloat16ComputeIsRefusedBeforeAnyTensorExists() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FluxCheckpoint.openDiffusers(
                Pack.flux().resolve("diffusers"), DataType.BFLOAT16, manager.newSubManager()));
        assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
    }

    @Test
    void badInputsNameTheInput() {
        Map<String, NDArray> c = Pack.fluxCase("kontext_masks", manager);
        try (FluxCheckpoint checkpoint = Pack.open(Pack.Layout.DIFFUSERS, manager, DataType.FLOAT32)) {
            FluxTransformer2DModel model = checkpoint.transformer();
            FluxInput good = Pack.input(c);
            FluxInput noGuidance = new FluxInput(good.hiddenStates(), good.encoderHiddenStates(),
                    good.pooledProjections(), good.timestep(), good.imgIds(), good.txtIds(), null);
            assertMessage(() -> model.forward(noGuidance), "'guidance'", "a guidance value is required");
            FluxInput wideTokens = new FluxInput(manager.zeros(new Shape(1, 36, 64)), good.encoderHiddenStates(),
                    good.pooledProjections(), good.timestep(), good.imgIds(), good.txtIds(), good.guidance());
            assertMessage(() -> model.forward(wideTokens), "'hidden_states'", "expected [batch, tokens, 16]");
            FluxInput shortIds = new FluxInput(good.hiddenStates(), good.encoderHiddenStates(),
                    good.pooledProjections(), good.timestep(), manager.zeros(new Shape(16, 3)), good.txtIds(),
                    good.guidance());
            assertMessage(() -> model.forward(shortIds), "'img_ids'", "expected [36, 3]");
            AttentionMask small = AttentionMask.of(40, (q, k) -> true);
            BlockMasks secondSingle = (kind, index) -> kind == BlockKind.SINGLE && index == 1 ? small : null;
            assertMessage(() -> model.forward(good, secondSingle, AttentionMode.AUTO), "single block 1",
                    "40 x 40, but the sequence has 44 tokens");
        }
    }

    private static void assertMessage(Runnable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
        assertEquals(IllegalArgumentException.class, e.getClass());
    }
}
