package dev.tessera.flux.nodes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.tessera.flux.nodes.internal.nodes.ModelSamplingSD3Node;
import dev.tessera.flux.nodes.internal.nodes.UNETLoaderNode;
import dev.tessera.graph.api.NodeException;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.models.dit.loading.Sd3Checkpoint;
import dev.tessera.sampling.FlowShift;
import dev.tessera.sampling.ModelStep;
import dev.tessera.sampling.Prediction;
import dev.tessera.testing.Closeness;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UNETLoader on the pack's tiny SD3 MMDiT (original single file; the diffusers folder through the handle), the SD3
 * MODEL handle's denoiser against diffusers' output of sd3/cases/transformer (each sample alone, sigma = timestep /
 * 1000), SD3's latent format and default shift, and ModelSamplingSD3.
 */
class Sd3NodesTest {

    @TempDir
    Path root;

    private CpuRuntime tensors;
    private TransformerCheckpoints checkpoints;
    private RunScope scope;
    private RecordingContext context;
    private DirFolders folders;
    private Map<String, NDArray> c;

    @BeforeEach
    void setUp() throws Exception {
        tensors = new CpuRuntime();
        checkpoints = new TransformerCheckpoints(tensors);
        scope = new RunScope();
        context = new RecordingContext(scope);
        folders = new DirFolders(root);
        ConformancePack.diffusionModel(folders.models(), "sd3/single-file", "tiny-sd3");
        c = ConformancePack.tensors(ConformancePack.dir().resolve("sd3/cases/transformer.safetensors"),
                tensors.base());
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        checkpoints.close();
        tensors.close();
    }

    /** UNETLoader on a file of diffusion_models, or the handle over the pack's diffusers folder. */
    private DiffusionModel load(String name) {
        if (name.equals("diffusers")) {
            return new Sd3DiffusionModel(Sd3Checkpoint.openDiffusers(ConformancePack.dir().resolve(
                    "sd3/diffusers/transformer"), tensors.computeType(), tensors.newManager("sd3 diffusers")));
        }
        return (DiffusionModel) new UNETLoaderNode(folders, tensors, checkpoints).execute(new MapInputs().with("unet_name", name)
                .with("weight_dtype", "default"), context).values().get(0);
    }

    private Conditioning conditioning(int row) {
        NDManager owner = tensors.newManager("test conditioning");
        NDIndex at = new NDIndex(row + ":" + (row + 1));
        return Conditioning.owning(owner, List.of(new Conditioning.Entry(
                c.get("encoder_hidden_states").get(at).duplicate(), c.get("pooled_projections").get(at).duplicate())));
    }

    @Test
    void bothLayoutsLoadAndTheDenoiserMatchesDiffusersOnEachSample() {
        for (String name : List.of("tiny-sd3.safetensors", "diffusers")) {
            try (DiffusionModel model = load(name); NDManager run = tensors.newManager("run")) {
                assertTrue(model instanceof Sd3DiffusionModel, name + " loads as SD3");
                assertEquals(Prediction.FLOW, model.prediction());
                assertEquals(new LatentFormat("sd3", 4, 8, 1.5305, 0.0609), model.latentFormat());
                assertEquals(FlowShift.linear(3.0), model.flowShift(8, 8), "SD3's shift without ModelSamplingSD3");
                float[] timesteps = c.get("timestep").toFloatArray();
                for (int row = 0; row < timesteps.length; row++) {
                    NDIndex at = new NDIndex(row + ":" + (row + 1));
                    try (Conditioning positive = conditioning(row);
                            BoundDenoiser denoiser = model.guided(positive, null, 1.0, run)) {
                        NDArray out = denoiser.predict(c.get("hidden_states").get(at),
                                new ModelStep(0, 1, timesteps[row], timesteps[row] / 1000.0));
                        double error = Closeness.relativeError(out, c.get("out").get(at));
                        System.out.printf("SD3 MODEL (%s) sample %d vs diffusers out: relative L2 %.2e%n", name, row,
                                error);
                        assertTrue(error < 1e-4, name + " sample " + row + ": relative L2 " + error);
                    }
                }
            }
        }
    }

    @Test
    void modelSamplingSd3SetsTheShiftAndRefusesANonPositiveOne() {
        try (DiffusionModel model = load("tiny-sd3.safetensors")) {
            ModelSamplingSD3Node node = new ModelSamplingSD3Node();
            try (DiffusionModel shifted = (DiffusionModel) node.execute(new MapInputs().with("model", model)
                    .with("shift", 5.0), context).values().get(0)) {
                assertEquals(FlowShift.linear(5.0), shifted.flowShift(8, 8));
                assertEquals(FlowShift.linear(3.0), model.flowShift(8, 8), "the input handle is unchanged");
            }
            NodeException e = assertThrows(NodeException.class, () -> node.execute(new MapInputs()
                    .with("model", model).with("shift", 0.0), context));
            assertEquals("shift", e.inputName());
        }
    }

    @Test
    void aConditioningOfAnotherWidthIsRefusedNamingTheSideAndWhatSd3Takes() {
        try (DiffusionModel model = load("tiny-sd3.safetensors"); NDManager run = tensors.newManager("run");
                NDManager owner = tensors.newManager("wrong")) {
            Conditioning wrong = Conditioning.owning(owner, List.of(new Conditioning.Entry(owner.zeros(
                    new ai.djl.ndarray.types.Shape(1, 7, 16)), owner.zeros(new ai.djl.ndarray.types.Shape(1, 64)))));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.guided(wrong, null, 1.0, run));
            assertTrue(e.getMessage().contains("positive entry 0") && e.getMessage().contains("SD3 model takes 32"),
                    e.getMessage());
        }
    }
}
