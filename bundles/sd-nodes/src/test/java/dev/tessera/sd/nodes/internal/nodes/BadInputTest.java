package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEDecodeNode;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.ValidationProblem;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.ForwardHook;
import dev.tessera.model.api.HookContext;
import dev.tessera.model.api.HookPoints;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.model.api.Vae;
import dev.tessera.sd.nodes.internal.CheckpointCache;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input fails with a message naming the node, the input and what was expected, before any compute. */
class BadInputTest {

    @TempDir
    Path home;
    private Path models;
    private Graph graph;
    private String workflow;

    @BeforeEach
    void setUp() {
        models = ConformancePack.tinySd15Models(home);
        graph = new Graph(home, models);
        workflow = Graph.read(ConformancePack.sampleWorkflows().resolve("sd15-txt2img.json"));
    }

    @AfterEach
    void tearDown() {
        graph.close();
    }

    private ValidationProblem onlyProblem(RunResult result) {
        assertEquals(RunResult.Status.INVALID, result.status());
        assertEquals(List.of(), result.executed(), "nothing ran");
        assertEquals(0, graph.cache.loads(), "no model was loaded");
        assertEquals(1, result.validation().errors().size(), result.validation().errors().toString());
        return result.validation().errors().get(0);
    }

    @Test
    void aWidthThatIsNoMultipleOf8FailsValidation() {
        ValidationProblem problem = onlyProblem(graph.run(workflow.replace("\"width\": 64", "\"width\": 500")));
        assertEquals("4", problem.nodeId());
        assertEquals("width", problem.inputName());
        assertTrue(problem.message().contains("width 500 is not a multiple of 8")
                && problem.message().contains("use 496 or 504"), problem.message());
    }

    @Test
    void zeroStepsFailValidation() {
        ValidationProblem problem = onlyProblem(graph.run(workflow.replace("\"steps\": 10", "\"steps\": 0")));
        assertEquals("5", problem.nodeId());
        assertEquals("steps", problem.inputName());
        assertEquals("value_smaller_than_min", problem.type());
    }

    @Test
    void aCfgThatIsNotANumberIsRefusedAtValidationAndBeforeTheModelRuns() {
        KSamplerNode sampler = new KSamplerNode(graph.runtime);
        List<InputProblem> problems = sampler.validate(new MapInputs().with("cfg", Double.NaN));
        assertEquals(1, problems.size());
        assertEquals("cfg", problems.get(0).input());
        assertTrue(problems.get(0).message().contains("cfg is NaN"), problems.get(0).message());

        AtomicInteger calls = new AtomicInteger();
        try (Loaded loaded = load(); DiffusionModel counted = loaded.model.withPatch(counting(calls))) {
            NodeException e = assertThrows(NodeException.class, () -> sampler.execute(
                    loaded.samplerInputs(counted).with("cfg", Double.NaN), new RecordingContext(new RunScope())));
            assertEquals("cfg", e.inputName());
            assertEquals(0, calls.get(), "the UNet never ran");
        }
    }

    @Test
    void anSdxlRefinerFailsAtTheLoaderNamingTheFileAndWhatItIs() throws Exception {
        // The refiner's only text encoder, OpenCLIP-G, is its first embedder.
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager();
                SafetensorsFile xl = SafetensorsFile.open(ConformancePack.dir().resolve(
                        "sdxl/single-file/tiny-sdxl-unet-te.safetensors"))) {
            for (String name : xl.names()) {
                if (!name.startsWith("conditioner.embedders.0.")) {
                    tensors.put(name.replace("conditioner.embedders.1.", "conditioner.embedders.0."),
                            xl.load(name, m));
                }
            }
            SafetensorsWriter.write(models.resolve("checkpoints/refiner.safetensors"), tensors, Map.of());
        }
        RunResult result = graph.run(workflow.replace("tiny-sd15.safetensors", "refiner.safetensors"));
        assertEquals(RunResult.Status.FAILED, result.status());
        assertEquals("1", result.error().nodeId());
        assertEquals("ckpt_name", result.error().inputName());
        assertTrue(result.error().message().contains("refiner.safetensors: this is the Stable Diffusion XL refiner")
                && result.error().message().contains("not supported"), result.error().message());
        assertTrue(result.executed().stream().noneMatch(List.of("2", "3", "5", "6", "7")::contains),
                "nothing downstream of the loader ran: " + result.executed());
    }

    @Test
    void aFluxTransformerInCheckpointsIsNamedAndTheUserSentToItsLoaders() {
        ConformancePack.copy(ConformancePack.dir().resolve("flux/single-file/tiny-flux.safetensors"),
                models.resolve("checkpoints/flux.safetensors"));
        RunResult result = graph.run(workflow.replace("tiny-sd15.safetensors", "flux.safetensors"));
        assertEquals(RunResult.Status.FAILED, result.status());
        assertEquals("ckpt_name", result.error().inputName());
        assertTrue(result.error().message().contains("flux.safetensors: this is FLUX")
                && result.error().message().contains("load FLUX with UNETLoader"), result.error().message());
    }

    @Test
    void anSd3FileInCheckpointsIsNamedAndTheUserSentToItsLoaders() {
        ConformancePack.copy(ConformancePack.dir().resolve("sd3/single-file/tiny-sd3.safetensors"),
                models.resolve("checkpoints/sd3_medium.safetensors"));
        RunResult result = graph.run(workflow.replace("tiny-sd15.safetensors", "sd3_medium.safetensors"));
        assertEquals(RunResult.Status.FAILED, result.status());
        assertEquals("1", result.error().nodeId());
        assertEquals("ckpt_name", result.error().inputName());
        String message = result.error().message();
        assertTrue(message.contains("sd3_medium.safetensors: this is Stable Diffusion 3 (MMDiT)")
                && message.contains("UNETLoader") && message.contains("TripleCLIPLoader")
                && message.contains("CLIPLoader with type sd3"), message);
    }

    @Test
    void aMissingTokenizerNamesEveryFolderLookedIn() throws Exception {
        Path tokenizer = models.resolve("checkpoints/tiny-sd15.tokenizer/tokenizer.json");
        Files.delete(tokenizer);
        RunResult result = graph.run(workflow);
        assertEquals(RunResult.Status.FAILED, result.status());
        String message = result.error().message();
        assertEquals("ckpt_name", result.error().inputName());
        assertTrue(message.contains("tiny-sd15.tokenizer") && message.contains("tokenizers/clip_l (no such folder)"),
                message);
    }

    @Test
    void aTokenizerOfAnotherModelIsRefusedByItsIds() {
        // A real CLIP tokenizer's end token 49407 does not fit the tiny encoder's 1000-token vocabulary: the pack's
        // tokenizer with its end token renumbered so.
        Path foreign = models.resolve("checkpoints/tiny-sd15.tokenizer/tokenizer.json");
        String json = Graph.read(foreign).replace("\"<|endoftext|>\": 1", "\"<|endoftext|>\": 49407")
                .replace("\"id\": 1,", "\"id\": 49407,").replaceAll("\"ids\": \\[\\s*1\\s*]", "\"ids\": [49407]");
        try {
            Files.writeString(foreign, json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        RunResult result = graph.run(workflow);
        assertEquals(RunResult.Status.FAILED, result.status());
        assertTrue(result.error().message().contains("vocabulary has 1000 ids"), result.error().message());
    }

    @Test
    void aLatentOfAnotherFamilyIsRefusedByTheSamplerAndTheVae() {
        try (Loaded loaded = load(); NDManager m = graph.runtime.newManager("latent")) {
            LatentFormat sd3 = new LatentFormat("sd3", 16, 8, 1.5305, 0.0609);
            Latent foreign = Latent.owning(m, m.zeros(new Shape(1, 16, 8, 8)), null, sd3);
            NodeException decode = assertThrows(NodeException.class, () -> new VAEDecodeNode(graph.runtime).execute(
                    new MapInputs().with("samples", foreign).with("vae", loaded.vae), new RecordingContext(new RunScope())));
            assertEquals("vae", decode.inputName());
            assertTrue(decode.getMessage().contains("this VAE decodes sd1 (4 channels) latents, the samples are sd3"
                    + " (16 channels) latents"), decode.getMessage());

            NodeException sample = assertThrows(NodeException.class, () -> new KSamplerNode(graph.runtime).execute(
                    loaded.samplerInputs(loaded.model).with("latent_image", foreign), new RecordingContext(new RunScope())));
            assertEquals("latent_image", sample.inputName());
            assertTrue(sample.getMessage().contains("cannot be sampled by a sd1 (4 channels) model"),
                    sample.getMessage());
        }
    }

    @Test
    void aVaeFileOfAnotherFamilyIsRefusedByTheLoader() throws Exception {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager();
                SafetensorsFile file = SafetensorsFile.open(models.resolve("checkpoints/tiny-sd15.safetensors"))) {
            for (String name : file.names()) {
                if (name.startsWith("first_stage_model.")) {
                    tensors.put(name.substring("first_stage_model.".length()), file.load(name, m));
                }
            }
            // The tensors whose shape follows the latent channels, widened to 16 as SD3's VAE has them (quant convs
            // and no shift factor: neither SD1.x's nor FLUX's).
            long ch = tensors.get("decoder.conv_in.weight").getShape().get(0);
            long out = tensors.get("encoder.conv_out.weight").getShape().get(1);
            tensors.put("encoder.conv_out.weight", m.zeros(new Shape(32, out, 3, 3)));
            tensors.put("encoder.conv_out.bias", m.zeros(new Shape(32)));
            tensors.put("quant_conv.weight", m.zeros(new Shape(32, 32, 1, 1)));
            tensors.put("quant_conv.bias", m.zeros(new Shape(32)));
            tensors.put("post_quant_conv.weight", m.zeros(new Shape(16, 16, 1, 1)));
            tensors.put("post_quant_conv.bias", m.zeros(new Shape(16)));
            tensors.put("decoder.conv_in.weight", m.zeros(new Shape(ch, 16, 3, 3)));
            Files.createDirectories(models.resolve("vae"));
            // The tiny VAE's norm groups are not SD1.x's 32: an architecture file beside it says so.
            Files.writeString(models.resolve("vae/sd3-like.arch.json"), Graph.read(models.resolve(
                    "checkpoints/tiny-sd15.arch.json")).replace("\"z_channels\": 4", "\"z_channels\": 16"));
            SafetensorsWriter.write(models.resolve("vae/sd3-like.safetensors"), tensors, Map.of());
        }
        String vaeWorkflow = workflow.replace("\"steps\": 10", "\"steps\": 1").replace("\"vae\": [\"1\", 2]", "\"vae\": [\"9\", 0]").replaceFirst("\\{",
                "{\"9\": {\"class_type\": \"VAELoader\", \"inputs\": {\"vae_name\": \"sd3-like.safetensors\"}},");
        RunResult result = graph.run(vaeWorkflow);
        assertEquals(RunResult.Status.FAILED, result.status());
        assertEquals("9", result.error().nodeId());
        assertEquals("vae_name", result.error().inputName());
        assertTrue(result.error().message().contains("a VAE with 16 latent channels")
                && result.error().message().contains("(an SD3 VAE?)")
                && result.error().message().contains("FLUX's autoencoder"), result.error().message());
    }

    @Test
    void aLatentTurningNanStopsTheSamplerNamingTheStep() {
        ForwardHook nanFromStep3 = new ForwardHook() {
            @Override public String key() { return "nan-from-step-3"; }
            @Override public Set<String> points() { return Set.of(HookPoints.UNET_PREDICTION); }
            @Override public boolean activeAt(dev.tessera.sampling.ModelStep step) { return step.index() == 2; }
            @Override
            public NDList around(String point, NDList inputs, Stage next, HookContext context) {
                return new NDList(next.run(inputs).get(0).mul(Float.NaN));
            }
        };
        try (Loaded loaded = load(); DiffusionModel broken = loaded.model.withPatch(nanFromStep3)) {
            RecordingContext context = new RecordingContext(new RunScope());
            NodeException e = assertThrows(NodeException.class, () -> new KSamplerNode(graph.runtime).execute(
                    loaded.samplerInputs(broken), context));
            assertEquals("execution_error", e.type());
            assertTrue(e.getMessage().contains("the latent is NaN after step 3 of 10"), e.getMessage());
            assertEquals(2, context.progress().size(), "steps 1 and 2 completed and were reported");
        }
    }

    @Test
    void conditioningFromAnotherWidthIsRefusedNamingTheInput() {
        try (Loaded loaded = load(); NDManager m = graph.runtime.newManager("wide")) {
            Conditioning wide = Conditioning.owning(m, List.of(new Conditioning.Entry(
                    m.zeros(new Shape(1, 77, 768), DataType.FLOAT32), null)));
            NodeException e = assertThrows(NodeException.class, () -> new KSamplerNode(graph.runtime).execute(
                    loaded.samplerInputs(loaded.model).with("negative", wide), new RecordingContext(new RunScope())));
            assertEquals("negative", e.inputName());
            assertTrue(e.getMessage().contains("negative conditioning is 768 wide"), e.getMessage());
        }
    }

    @Test
    void aClipLayerTheEncoderDoesNotHaveIsAnError() {
        try (Loaded loaded = load()) {
            NodeException e = assertThrows(NodeException.class, () -> new CLIPSetLastLayerNode().execute(
                    new MapInputs().with("clip", loaded.clip).with("stop_at_clip_layer", -4L),
                    new RecordingContext(new RunScope())));
            assertEquals("stop_at_clip_layer", e.inputName());
            assertTrue(e.getMessage().contains("has 3 layers (-1 to -3)"), e.getMessage());
        }
    }

    private static ForwardHook counting(AtomicInteger calls) {
        return new ForwardHook() {
            @Override public String key() { return "count"; }
            @Override public Set<String> points() { return Set.of(HookPoints.UNET_PREDICTION); }
            @Override
            public NDList around(String point, NDList inputs, Stage next, HookContext context) {
                calls.incrementAndGet();
                return next.run(inputs);
            }
        };
    }

    private Loaded load() {
        return new Loaded(graph.cache, models, graph.runtime);
    }

    /** The tiny checkpoint's handles and encoded prompts, closed together. */
    static final class Loaded implements AutoCloseable {
        final DiffusionModel model;
        final TextEncoder clip;
        final Vae vae;
        final Conditioning positive;
        final Conditioning negative;
        final Latent empty;

        Loaded(CheckpointCache cache, Path models, CpuRuntime runtime) {
            Path file = models.resolve("checkpoints/tiny-sd15.safetensors");
            CheckpointCache.CheckpointHandles handles = cache.openCheckpoint(file, null,
                    List.of(models.resolve("checkpoints/tiny-sd15.tokenizer")));
            model = handles.model();
            clip = handles.clip();
            vae = handles.vae();
            positive = clip.encode("a red apple", runtime.newManager("positive"));
            negative = clip.encode("", runtime.newManager("negative"));
            NDManager m = runtime.newManager("latent");
            empty = Latent.owning(m, m.zeros(new Shape(1, 4, 8, 8)), null, null);
        }

        MapInputs samplerInputs(DiffusionModel which) {
            return new MapInputs().with("model", which).with("seed", 42L).with("steps", 10L).with("cfg", 7.5)
                    .with("sampler_name", "euler").with("scheduler", "normal").with("positive", positive)
                    .with("negative", negative).with("latent_image", empty).with("denoise", 1.0);
        }

        @Override
        public void close() {
            positive.close();
            negative.close();
            empty.close();
            model.close();
            clip.close();
            vae.close();
        }
    }
}
