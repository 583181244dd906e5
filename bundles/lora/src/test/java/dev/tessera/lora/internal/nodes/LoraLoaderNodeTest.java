package dev.tessera.lora.internal.nodes;

import static dev.tessera.lora.Pack.FORWARD_TOLERANCE;
import static dev.tessera.lora.Pack.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.ModelFileList;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.Widget;
import dev.tessera.lora.Pack;
import dev.tessera.lora.SdxlLora;
import dev.tessera.lora.patch.LoraSide;
import dev.tessera.lora.patch.LoraWeightPatch;
import dev.tessera.lora.patch.Views;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoraLoader and LoraLoaderModelOnly: ComfyUI's inputs, patches on new handles, errors naming the input. */
class LoraLoaderNodeTest {

    @TempDir
    Path root;
    private DirFolders folders;
    private CpuRuntime runtime;
    private RunScope scope;
    private RecordingContext context;
    private LoraLoaderNode loader;
    private LoraLoaderModelOnlyNode modelOnly;
    private NodeFixtures.Bundled bundled;

    @BeforeEach
    void setUp() throws IOException {
        folders = new DirFolders(root);
        Path loras = Files.createDirectories(folders.modelFolder("loras"));
        Files.copy(Pack.kohya(), loras.resolve("tiny-kohya.safetensors"));
        Files.createDirectories(loras.resolve("styles"));
        Files.copy(Pack.peft(), loras.resolve("styles/tiny-peft.safetensors"));
        Files.writeString(loras.resolve("readme.txt"), "not a LoRA");
        runtime = new CpuRuntime();
        scope = new RunScope();
        context = new RecordingContext(scope);
        bundled = new NodeFixtures.Bundled();
        loader = new LoraLoaderNode(folders, runtime, bundled);
        modelOnly = new LoraLoaderModelOnlyNode(folders, runtime, bundled);
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        runtime.close();
    }

    @Test
    void descriptorsFollowComfyUi() {
        assertEquals(List.of("model", "clip", "lora_name", "strength_model", "strength_clip"),
                loader.descriptor().inputs().stream().map(i -> i.name()).toList());
        assertEquals(List.of("MODEL", "CLIP"), loader.descriptor().outputs().stream().map(o -> o.name()).toList());
        assertEquals(List.of("model", "lora_name", "strength_model"),
                modelOnly.descriptor().inputs().stream().map(i -> i.name()).toList());
        Widget.FloatWidget strength = (Widget.FloatWidget) loader.descriptor().input("strength_model").orElseThrow()
                .widget();
        assertEquals(List.of(1.0, -100.0, 100.0, 0.01), List.of(strength.defaultValue(), strength.min(),
                strength.max(), strength.step()));
        Widget.ComboWidget names = (Widget.ComboWidget) loader.descriptor().input("lora_name").orElseThrow().widget();
        assertEquals(List.of("styles/tiny-peft.safetensors", "tiny-kohya.safetensors"), names.currentOptions());
    }

    @Test
    void bundledLorasFollowTheFolderFilesWhileOfferedAndResolveToTheOfferedFile() throws IOException {
        Path offered = Files.copy(Pack.kohya(), root.resolve("offered.safetensors"));
        Widget.ComboWidget names = (Widget.ComboWidget) loader.descriptor().input("lora_name").orElseThrow().widget();
        bundled.offer("my_style", offered).offer("tiny-kohya.safetensors", Pack.peft());
        assertEquals(List.of("styles/tiny-peft.safetensors", "tiny-kohya.safetensors", "my_style"),
                names.currentOptions(), "listed once, after the folder's files");

        NodeFixtures.Model model = new NodeFixtures.Model(LatentFormat.SD1, List.of());
        NodeResult result = modelOnly.execute(new MapInputs().with("model", model)
                .with("lora_name", "my_style").with("strength_model", 1.0), context);
        assertEquals(offered, ((LoraWeightPatch) ((NodeFixtures.Model) result.value(0)).patches().get(0)).file());
        result = modelOnly.execute(new MapInputs().with("model", model)
                .with("lora_name", "tiny-kohya.safetensors").with("strength_model", 1.0), context);
        assertEquals(folders.modelFolder("loras").resolve("tiny-kohya.safetensors"),
                ((LoraWeightPatch) ((NodeFixtures.Model) result.value(0)).patches().get(0)).file(),
                "a folder file of the same name wins");
        assertTrue(modelOnly.changeKey(new MapInputs().with("lora_name", "my_style")).toString()
                .startsWith(offered.toString()), "the change key fingerprints the offered file");

        bundled.drop("my_style");
        assertEquals(List.of("styles/tiny-peft.safetensors", "tiny-kohya.safetensors"), names.currentOptions());
        NodeException gone = assertThrows(NodeException.class, () -> modelOnly.execute(new MapInputs()
                .with("model", model).with("lora_name", "my_style").with("strength_model", 1.0), context));
        assertEquals("lora_name", gone.inputName());
        assertTrue(gone.getMessage().contains("'my_style'") && gone.getMessage().contains("no active LoRA bundle offers"),
                gone.getMessage());
    }

    @Test
    void loraLoaderPatchesBothHandlesAndTheirPatchesReproduceTheReference() {
        NodeFixtures.Model model = new NodeFixtures.Model(LatentFormat.SD1, List.of());
        NodeFixtures.Clip clip = new NodeFixtures.Clip(List.of());
        NodeResult result = loader.execute(inputs(model, clip, "tiny-kohya.safetensors", 1.0, 1.0), context);
        NodeFixtures.Model patchedModel = (NodeFixtures.Model) result.value(0);
        NodeFixtures.Clip patchedClip = (NodeFixtures.Clip) result.value(1);
        assertTrue(model.patches().isEmpty() && clip.patches().isEmpty(), "the input handles are unchanged");
        LoraWeightPatch modelPatch = (LoraWeightPatch) patchedModel.patches().get(0);
        LoraWeightPatch clipPatch = (LoraWeightPatch) patchedClip.patches().get(0);
        assertEquals(LoraSide.MODEL, modelPatch.side());
        assertEquals(LoraSide.TEXT_ENCODER, clipPatch.side());

        try (NDManager manager = NDManager.newBaseManager();
                StableDiffusionCheckpoint checkpoint = Pack.sd15(manager)) {
            Map<String, NDArray> in = Pack.tensors("sd15/cases/unet.safetensors", manager);
            Map<String, NDArray> cases = Pack.tensors("lora/cases.safetensors", manager);
            Weights unetWeights = Views.patched("unet", checkpoint.unetWeights(), ParameterSpecs.of(
                    w -> new UNet2DConditionModel(checkpoint.unetConfig(), w, DataType.FLOAT32)),
                    weightPatches(patchedModel.patches()), manager);
            NDArray out = new UNet2DConditionModel(checkpoint.unetConfig(), unetWeights, DataType.FLOAT32)
                    .forward(in.get("sample"), in.get("timestep"), in.get("encoder_hidden_states"));
            assertClose("LoraLoader MODEL, kohya 1.0", out, cases.get("unet_out_kohya_strength_1.0"),
                    FORWARD_TOLERANCE);
            Weights textWeights = Views.patched("text_encoder", checkpoint.textEncoderWeights(), ParameterSpecs.of(
                    w -> new CLIPTextModel(checkpoint.textEncoderConfig(), w, DataType.FLOAT32)),
                    weightPatches(patchedClip.patches()), manager);
            NDArray hidden = new CLIPTextModel(checkpoint.textEncoderConfig(), textWeights, DataType.FLOAT32)
                    .forward(cases.get("input_ids")).lastHiddenState();
            assertClose("LoraLoader CLIP, kohya 1.0", hidden, cases.get("te_last_hidden_state_kohya_strength_1.0"),
                    FORWARD_TOLERANCE);
        }
    }

    @Test
    void modelOnlyPatchesTheModelWithTheGivenStrength() {
        NodeFixtures.Model model = new NodeFixtures.Model(LatentFormat.SD1, List.of());
        NodeResult result = modelOnly.execute(new MapInputs().with("model", model)
                .with("lora_name", "styles/tiny-peft.safetensors").with("strength_model", -0.5), context);
        LoraWeightPatch patch = (LoraWeightPatch) ((NodeFixtures.Model) result.value(0)).patches().get(0);
        assertEquals(LoraSide.MODEL, patch.side());
        assertEquals(-0.5, patch.strength());
        assertEquals(1, result.values().size());
    }

    @Test
    void aMissingOrEscapingFileNamesTheInput() {
        NodeFixtures.Model model = new NodeFixtures.Model(LatentFormat.SD1, List.of());
        NodeFixtures.Clip clip = new NodeFixtures.Clip(List.of());
        for (String name : List.of("nope.safetensors", "../checkpoints/x.safetensors")) {
            NodeException e = assertThrows(NodeException.class,
                    () -> loader.execute(inputs(model, clip, name, 1.0, 1.0), context));
            assertEquals("lora_name", e.inputName(), e.getMessage());
        }
    }

    @Test
    void aLinkLeadingOutOfTheLorasFolderIsNeitherListedNorLoaded() throws IOException {
        // The fixture's folders are the host's: this fails if DirFolders checked names only.
        Path outside = Files.createDirectories(root.resolve("elsewhere"));
        Files.copy(Pack.kohya(), outside.resolve("secret.safetensors"));
        Path loras = folders.modelFolder("loras");
        Files.createSymbolicLink(loras.resolve("escape.safetensors"), outside.resolve("secret.safetensors"));
        Files.createSymbolicLink(loras.resolve("linked"), outside);
        Widget.ComboWidget names = (Widget.ComboWidget) loader.descriptor().input("lora_name").orElseThrow().widget();
        assertEquals(List.of("styles/tiny-peft.safetensors", "tiny-kohya.safetensors"), names.currentOptions());
        assertEquals("2 entries were skipped because they lead outside " + loras + ", e.g. 'escape.safetensors'",
                ModelFileList.skippedNote(names.currentOptions()), "the note survives the bundled LoRAs' merge");
        NodeFixtures.Model model = new NodeFixtures.Model(LatentFormat.SD1, List.of());
        NodeFixtures.Clip clip = new NodeFixtures.Clip(List.of());
        for (String name : List.of("escape.safetensors", "linked/secret.safetensors")) {
            NodeException e = assertThrows(NodeException.class,
                    () -> loader.execute(inputs(model, clip, name, 1.0, 1.0), context));
            assertEquals("lora_name", e.inputName(), e.getMessage());
            assertTrue(e.getMessage().contains("link leading outside"), e.getMessage());
        }
    }

    @Test
    void aFileThatIsNotSafetensorsFailsAtTheLoraNode() throws IOException {
        Files.writeString(folders.modelFolder("loras").resolve("broken.safetensors"), "{not: tensors}");
        NodeException e = assertThrows(NodeException.class, () -> loader.execute(inputs(new NodeFixtures.Model(
                LatentFormat.SD1, List.of()), new NodeFixtures.Clip(List.of()), "broken.safetensors", 1.0, 1.0),
                context));
        assertEquals("lora_name", e.inputName());
        assertEquals("invalid_input", e.type());
        assertTrue(e.getMessage().contains("broken.safetensors") && e.getMessage().contains("not a readable LoRA"),
                e.getMessage());
    }

    @Test
    void anSdxlLoraOnAnSd1ModelFailsAtTheLoraNode() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SafetensorsWriter.write(folders.modelFolder("loras").resolve("sdxl-style.safetensors"),
                    SdxlLora.forPackSdxl(manager), Map.of());
        }
        NodeException e = assertThrows(NodeException.class, () -> loader.execute(inputs(new NodeFixtures.Model(
                LatentFormat.SD1, List.of()), new NodeFixtures.Clip(List.of()), "sdxl-style.safetensors", 1.0, 1.0),
                context));
        assertEquals("lora_name", e.inputName());
        assertTrue(e.getMessage().contains("does not fit an SD1.x model") && e.getMessage().contains("SDXL"),
                e.getMessage());
    }

    @Test
    void nonFiniteStrengthsAreRefusedAtValidationAndExecution() {
        List<InputProblem> problems = loader.validate(new MapInputs()
                .with("lora_name", "tiny-kohya.safetensors").with("strength_model", Double.NaN)
                .with("strength_clip", 1.0));
        assertEquals(1, problems.size());
        assertEquals("strength_model", problems.get(0).input());
        NodeException e = assertThrows(NodeException.class, () -> loader.execute(inputs(new NodeFixtures.Model(
                LatentFormat.SD1, List.of()), new NodeFixtures.Clip(List.of()), "tiny-kohya.safetensors", 1.0,
                Double.POSITIVE_INFINITY), context));
        assertEquals("strength_clip", e.inputName());
    }

    @Test
    void aReplacedFileChangesTheChangeKey() throws IOException {
        MapInputs widgets = new MapInputs().with("lora_name", "tiny-kohya.safetensors");
        Object before = loader.changeKey(widgets);
        Files.copy(Pack.peft(), folders.modelFolder("loras").resolve("tiny-kohya.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertNotEquals(before, loader.changeKey(widgets));
    }

    private static MapInputs inputs(NodeFixtures.Model model, NodeFixtures.Clip clip, String name,
            double strengthModel, double strengthClip) {
        return new MapInputs().with("model", model).with("clip", clip).with("lora_name", name)
                .with("strength_model", strengthModel).with("strength_clip", strengthClip);
    }

    private static List<WeightPatch> weightPatches(List<ModelPatch> patches) {
        return patches.stream().map(WeightPatch.class::cast).toList();
    }
}
