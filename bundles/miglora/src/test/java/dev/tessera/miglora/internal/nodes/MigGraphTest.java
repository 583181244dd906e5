package dev.tessera.miglora.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.ImageDecoder;
import dev.tessera.layout.Box;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.miglora.MigHook;
import dev.tessera.miglora.Pack;
import dev.tessera.miglora.Tiny;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.sampling.ModelStep;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sample-workflows/miglora-sd15.json through the real engine, and the three nodes on their own. */
class MigGraphTest {

    @TempDir
    Path home;
    private MigGraph graph;
    private String workflow;

    @BeforeEach
    void setUp() throws IOException {
        graph = new MigGraph(home, ConformancePack.sampleWorkflows().resolve("models"));
        workflow = Files.readString(ConformancePack.sampleWorkflows().resolve("miglora-sd15.json"));
    }

    @AfterEach
    void tearDown() {
        graph.close();
    }

    private DecodedImage image(RunResult result) throws IOException {
        assertEquals(RunResult.Status.SUCCESS, result.status(), String.valueOf(result.error()) + result.validation());
        ImageRef ref = (ImageRef) result.outputs().get("10").get("images").get(0);
        Path png = graph.host.folders().output().resolve(ref.subfolder()).resolve(ref.filename());
        return ImageDecoder.read(png);
    }

    private static int[] pixels(DecodedImage image) {
        int[] all = new int[image.width() * image.height()];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                all[y * image.width() + x] = image.pixel(x, y);
            }
        }
        return all;
    }

    @Test
    void theSampleRunsAndBetaZeroIsTheSamplerOnTheLoraModelWithoutTheLayout() throws IOException {
        RunResult result = graph.run(workflow);
        DecodedImage mig = image(result);
        assertEquals(List.of("1", "10", "2", "3", "4", "5", "6", "7", "8", "9"),
                result.executed().stream().sorted().toList());
        assertEquals(64, mig.width());
        assertEquals(64, mig.height());

        // Without MIGApply: KSampler on the LoRA'd model, the MIGEncode conditioning as the positive.
        String withoutLayout = workflow.replace("\"model\": [\"6\", 0], \"seed\"", "\"model\": [\"5\", 0], \"seed\"");
        assertNotEquals(workflow, withoutLayout);
        int[] plain = pixels(image(graph.run(withoutLayout)));
        int[] betaZero = pixels(image(graph.run(workflow.replace("\"beta\": 0.7", "\"beta\": 0.0"))));
        assertTrue(java.util.Arrays.equals(plain, betaZero), "beta 0: no step is layout-guided");
        assertFalse(java.util.Arrays.equals(plain, pixels(mig)), "beta 0.7: the layout changes the image");
    }

    @Test
    void avgIsTheDefaultFusionAndTheSampleUsesIt() {
        // The released weights were trained with the mean over instances: avg is what a dropped-in file expects.
        dev.tessera.graph.api.InputSpec fusion = graph.apply.descriptor().inputs().stream()
                .filter(i -> i.name().equals("fusion")).findFirst().orElseThrow();
        assertEquals("avg", fusion.widget().defaultLiteral());
        com.google.gson.JsonObject apply = com.google.gson.JsonParser.parseString(workflow).getAsJsonObject()
                .getAsJsonObject("6");
        assertEquals("MIGApply", apply.get("class_type").getAsString());
        assertEquals("avg", apply.getAsJsonObject("inputs").get("fusion").getAsString());
    }

    @Test
    void theLayoutActsOnExactlyTheFirstSevenOfTenSteps() {
        try (RunScope scope = new RunScope(); NDManager m = graph.runtime.newManager("test")) {
            RecordingContext context = new RecordingContext(scope);
            dev.tessera.graph.api.NodeResult loaded = graph.checkpointLoader.execute(new MapInputs()
                    .with("ckpt_name", "tiny-sd15.safetensors"), context);
            DiffusionModel base = (DiffusionModel) loaded.value(0);
            TextEncoder clip = (TextEncoder) loaded.value(1);
            DiffusionModel lora = (DiffusionModel) graph.loader.execute(new MapInputs().with("model", base)
                    .with("mask_encoder_name", "tiny-mask-encoder-released.safetensors")
                    .with("lora_name", "tiny-sd15-peft.safetensors").with("strength_model", 1.0), context).value(0);
            Layout layout = Layout.of("a red apple and a blue cup", List.of(
                    Instance.of("a red apple", new Box(0.05, 0.3, 0.45, 0.75)),
                    Instance.of("a blue cup", new Box(0.55, 0.35, 0.95, 0.8))));
            Conditioning positive = (Conditioning) graph.encode.execute(new MapInputs().with("clip", clip)
                    .with("layout", layout), context).value(0);
            Conditioning negative = clip.encode("blurry", m.newSubManager());
            DiffusionModel mig = (DiffusionModel) graph.apply.execute(new MapInputs().with("model", lora)
                    .with("conditioning", positive).with("fusion", "mask").with("beta", 0.7), context).value(0);
            assertTrue(mig.patches().get(mig.patches().size() - 1) instanceof MigHook);

            NDArray x = Tiny.random(m, 3, 1f, 1, 4, 8, 8);
            try (BoundDenoiser withLayout = mig.guided(positive, negative, 3.5, m);
                    BoundDenoiser without = lora.guided(positive, negative, 3.5, m)) {
                for (int step = 0; step < 10; step++) {
                    ModelStep at = new ModelStep(step, 10, 900 - 100 * step, 10 - step);
                    float diff = withLayout.predict(x, at).sub(without.predict(x, at)).abs().max().getFloat();
                    if (step < 7) {
                        assertTrue(diff > 1e-4, "step " + step + " is layout-guided, differs by " + diff);
                    } else {
                        assertEquals(0f, diff, "step " + step + " runs the plain model");
                    }
                }
            }
            for (AutoCloseable c : new AutoCloseable[] {mig, positive, negative, lora, clip, base}) {
                c.close();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The steps the hooks of a MODEL are asked about, in call order (a hook that never acts). */
    private static final class StepRecorder implements dev.tessera.model.api.ForwardHook {
        final List<ModelStep> steps = new java.util.ArrayList<>();

        @Override public String key() { return "record-steps"; }
        @Override public java.util.Set<String> points() { return java.util.Set.of(); }
        @Override public boolean activeAt(ModelStep step) {
            steps.add(step);
            return false;
        }
        @Override public ai.djl.ndarray.NDList around(String point, ai.djl.ndarray.NDList inputs, Stage next,
                dev.tessera.model.api.HookContext context) {
            return next.run(inputs);
        }
    }

    @Test
    void betaGuidesTheSameNoiseLevelsInFullCutAndSplitSchedules() {
        try (RunScope scope = new RunScope()) {
            RecordingContext context = new RecordingContext(scope);
            dev.tessera.graph.api.NodeResult loaded = graph.checkpointLoader.execute(new MapInputs()
                    .with("ckpt_name", "tiny-sd15.safetensors"), context);
            DiffusionModel base = (DiffusionModel) loaded.value(0);
            TextEncoder clip = (TextEncoder) loaded.value(1);
            DiffusionModel lora = (DiffusionModel) graph.loader.execute(new MapInputs().with("model", base)
                    .with("mask_encoder_name", "tiny-mask-encoder-released.safetensors")
                    .with("lora_name", "tiny-sd15-peft.safetensors").with("strength_model", 1.0), context).value(0);
            Layout layout = Layout.of("a red apple and a blue cup", List.of(
                    Instance.of("a red apple", new Box(0.05, 0.3, 0.45, 0.75))));
            Conditioning positive = (Conditioning) graph.encode.execute(new MapInputs().with("clip", clip)
                    .with("layout", layout), context).value(0);
            Conditioning negative = (Conditioning) graph.textEncode.execute(new MapInputs().with("clip", clip)
                    .with("text", "blurry"), context).value(0);
            DiffusionModel mig = (DiffusionModel) graph.apply.execute(new MapInputs().with("model", lora)
                    .with("conditioning", positive).with("fusion", "avg").with("beta", 0.7), context).value(0);
            MigHook hook = (MigHook) mig.patches().get(mig.patches().size() - 1);
            Object latent = graph.emptyLatent.execute(new MapInputs().with("width", 64).with("height", 64)
                    .with("batch_size", 1), context).value(0);

            // ComfyUI's simple scheduler on SD1.x's 1000 training sigmas: n steps take timesteps 999 - (1000/n) i.
            // beta 0.7 guides t >= 999 - 0.7 * 999 = 299.7.
            // Full, 10 steps: 999, 899, ..., 99; guided 999..399 = the first 7.
            StepRecorder full = new StepRecorder();
            graph.ksampler.execute(sampler(mig.withPatch(full), positive, negative, latent)
                    .with("denoise", 1.0), context);
            assertSteps(full, new double[] {999, 899, 799, 699, 599, 499, 399, 299, 199, 99}, 7, hook);

            // Cut, denoise 0.5: ComfyUI schedules 20 steps and runs the last 10: 499, 449, ..., 49; guided 499..349.
            StepRecorder cut = new StepRecorder();
            graph.ksampler.execute(sampler(mig.withPatch(cut), positive, negative, latent)
                    .with("denoise", 0.5), context);
            assertSteps(cut, new double[] {499, 449, 399, 349, 299, 249, 199, 149, 99, 49}, 4, hook);

            // Split, KSamplerAdvanced 10 steps: 0..5 runs 999..599 (all guided), 5..10 runs 499..99 (499, 399).
            StepRecorder first = new StepRecorder();
            graph.ksamplerAdvanced.execute(advanced(mig.withPatch(first), positive, negative, latent, 0, 5),
                    context);
            assertSteps(first, new double[] {999, 899, 799, 699, 599}, 5, hook);
            StepRecorder second = new StepRecorder();
            graph.ksamplerAdvanced.execute(advanced(mig.withPatch(second), positive, negative, latent, 5, 10),
                    context);
            assertSteps(second, new double[] {499, 399, 299, 199, 99}, 2, hook);

            for (AutoCloseable c : new AutoCloseable[] {mig, positive, negative, lora, clip, base}) {
                c.close();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static MapInputs sampler(DiffusionModel model, Conditioning positive, Conditioning negative,
            Object latent) {
        return new MapInputs().with("model", model).with("seed", 1).with("steps", 10).with("cfg", 3.5)
                .with("sampler_name", "euler").with("scheduler", "simple").with("positive", positive)
                .with("negative", negative).with("latent_image", latent);
    }

    private static MapInputs advanced(DiffusionModel model, Conditioning positive, Conditioning negative,
            Object latent, int start, int end) {
        return new MapInputs().with("model", model).with("add_noise", "enable").with("noise_seed", 1)
                .with("steps", 10).with("cfg", 3.5).with("sampler_name", "euler").with("scheduler", "simple")
                .with("positive", positive).with("negative", negative).with("latent_image", latent)
                .with("start_at_step", start).with("end_at_step", end).with("return_with_leftover_noise", "disable");
    }

    /** The recorded steps have these timesteps and SD1.x's whole range, and the hook guides the first {@code n}. */
    private static void assertSteps(StepRecorder recorder, double[] timesteps, int guided, MigHook hook) {
        assertEquals(timesteps.length, recorder.steps.size(), "one model call per euler step");
        for (int i = 0; i < timesteps.length; i++) {
            ModelStep step = recorder.steps.get(i);
            assertEquals(timesteps[i], step.timestep(), "timestep of step " + i);
            assertEquals(0, step.timestepMin());
            assertEquals(999, step.timestepMax());
            assertEquals(i < guided, hook.activeAt(step), "step " + i + " at timestep " + timesteps[i]);
        }
    }

    /** MIGApply's warnings for {@code count} instances (MIGApply logs through System.Logger, JUL underneath). */
    private static List<String> warningsFor(MigGraph graph, DiffusionModel lora, TextEncoder clip, int count,
            RecordingContext context) {
        List<Instance> instances = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            instances.add(Instance.of("thing " + i, new Box(0.1 * i / count, 0.1, 0.1 * i / count + 0.3, 0.6)));
        }
        Conditioning encoded = (Conditioning) graph.encode.execute(new MapInputs().with("clip", clip)
                .with("layout", Layout.of("many things", instances)), context).value(0);
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(MIGApplyNode.class.getName());
        List<String> warnings = new java.util.ArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel() == java.util.logging.Level.WARNING) warnings.add(r.getMessage());
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        log.addHandler(handler);
        try {
            DiffusionModel applied = (DiffusionModel) graph.apply.execute(new MapInputs().with("model", lora)
                    .with("conditioning", encoded).with("fusion", "avg").with("beta", 0.7), context).value(0);
            applied.close();
        } finally {
            log.removeHandler(handler);
            encoded.close();
        }
        return warnings;
    }

    @Test
    void moreInstancesThanTrainedRunWithAWarningNamingTheCount() throws Exception {
        Path models = home.resolve("models");
        try (MigGraph own = new MigGraph(home, models); RunScope scope = new RunScope()) {
            for (String f : List.of("checkpoints/tiny-sd15.safetensors", "checkpoints/tiny-sd15.arch.json",
                    "checkpoints/tiny-sd15.tokenizer/tokenizer.json", "loras/tiny-sd15-peft.safetensors",
                    "miglora/tiny-mask-encoder-released.safetensors")) {
                ConformancePack.copy(ConformancePack.sampleWorkflows().resolve("models/" + f), models.resolve(f));
            }
            // Our trainer's files state their cap in the metadata; this one says 6.
            try (NDManager m = own.runtime.newManager("enc");
                    dev.tessera.tensor.safetensors.SafetensorsFile st = dev.tessera.tensor.safetensors.SafetensorsFile
                            .open(Pack.releasedEncoder())) {
                java.util.Map<String, NDArray> tensors = new java.util.LinkedHashMap<>();
                for (String name : st.names()) tensors.put(name, st.load(name, m));
                dev.tessera.tensor.safetensors.SafetensorsWriter.write(models.resolve("miglora/six.safetensors"),
                        tensors, java.util.Map.of("miglora.max_instances", "6"));
                dev.tessera.tensor.safetensors.SafetensorsWriter.write(models.resolve("miglora/bad.safetensors"),
                        tensors, java.util.Map.of("miglora.max_instances", "many"));
            }
            RecordingContext context = new RecordingContext(scope);
            dev.tessera.graph.api.NodeResult loaded = own.checkpointLoader.execute(new MapInputs()
                    .with("ckpt_name", "tiny-sd15.safetensors"), context);
            DiffusionModel base = (DiffusionModel) loaded.value(0);
            TextEncoder clip = (TextEncoder) loaded.value(1);
            MapInputs load = new MapInputs().with("model", base).with("lora_name", "tiny-sd15-peft.safetensors")
                    .with("strength_model", 1.0);
            DiffusionModel released = (DiffusionModel) own.loader.execute(load.with("mask_encoder_name",
                    "tiny-mask-encoder-released.safetensors"), context).value(0);
            {
                // The released adapter: at most 5 per image in training (train.py's max_conditions).
                assertEquals(List.of(), warningsFor(own, released, clip, 5, context));
                List<String> six = warningsFor(own, released, clip, 6, context);
                assertEquals(1, six.size(), six.toString());
                assertTrue(six.get(0).contains("6 instances") && six.get(0).contains("at most 5"), six.get(0));

                DiffusionModel sixCap = (DiffusionModel) own.loader.execute(load.with("mask_encoder_name",
                        "six.safetensors"), context).value(0);
                assertEquals(List.of(), warningsFor(own, sixCap, clip, 6, context));
                List<String> seven = warningsFor(own, sixCap, clip, 7, context);
                assertEquals(1, seven.size(), seven.toString());
                assertTrue(seven.get(0).contains("7 instances") && seven.get(0).contains("at most 6")
                        && seven.get(0).contains("miglora.max_instances"), seven.get(0));
                sixCap.close();

                NodeException bad = assertThrows(NodeException.class, () -> own.loader.execute(load.with(
                        "mask_encoder_name", "bad.safetensors"), context));
                assertEquals("mask_encoder_name", bad.inputName());
                assertTrue(bad.getMessage().contains("miglora.max_instances") && bad.getMessage().contains("many"),
                        bad.getMessage());
            }
            released.close();
            clip.close();
            base.close();
        }
    }

    @Test
    void wrongWiringAndBadFilesFailAtTheNodeNamingTheInput() throws Exception {
        Path models = home.resolve("models");
        Files.createDirectories(models.resolve("miglora"));
        Files.writeString(models.resolve("miglora/broken.safetensors"), "not a safetensors file");
        Files.writeString(models.resolve("miglora/model_1.ckpt"), "pickle");
        try (MigGraph own = new MigGraph(home, models); RunScope scope = new RunScope()) {
            RecordingContext context = new RecordingContext(scope);
            ConformancePack.copy(ConformancePack.sampleWorkflows().resolve("models/checkpoints/tiny-sd15.safetensors"),
                    models.resolve("checkpoints/tiny-sd15.safetensors"));
            ConformancePack.copy(ConformancePack.sampleWorkflows().resolve("models/checkpoints/tiny-sd15.arch.json"),
                    models.resolve("checkpoints/tiny-sd15.arch.json"));
            ConformancePack.copy(ConformancePack.sampleWorkflows().resolve("models/checkpoints/tiny-sd15.tokenizer/tokenizer.json"),
                    models.resolve("checkpoints/tiny-sd15.tokenizer/tokenizer.json"));
            ConformancePack.copy(ConformancePack.sampleWorkflows().resolve("models/loras/tiny-sd15-peft.safetensors"),
                    models.resolve("loras/tiny-sd15-peft.safetensors"));
            dev.tessera.graph.api.NodeResult loaded = own.checkpointLoader.execute(new MapInputs()
                    .with("ckpt_name", "tiny-sd15.safetensors"), context);
            DiffusionModel base = (DiffusionModel) loaded.value(0);
            TextEncoder clip = (TextEncoder) loaded.value(1);

            NodeException broken = assertThrows(NodeException.class, () -> own.loader.execute(new MapInputs()
                    .with("model", base).with("mask_encoder_name", "broken.safetensors")
                    .with("lora_name", "tiny-sd15-peft.safetensors").with("strength_model", 1.0), context));
            assertEquals("mask_encoder_name", broken.inputName());
            assertTrue(broken.getMessage().contains("broken.safetensors"), broken.getMessage());

            NodeException pickle = assertThrows(NodeException.class, () -> own.loader.execute(new MapInputs()
                    .with("model", base).with("mask_encoder_name", "model_1.ckpt")
                    .with("lora_name", "tiny-sd15-peft.safetensors").with("strength_model", 1.0), context));
            assertTrue(pickle.getMessage().contains("pickle"), pickle.getMessage());

            NodeException missing = assertThrows(NodeException.class, () -> own.loader.execute(new MapInputs()
                    .with("model", base).with("mask_encoder_name", "nowhere.safetensors")
                    .with("lora_name", "tiny-sd15-peft.safetensors").with("strength_model", 1.0), context));
            assertEquals("mask_encoder_name", missing.inputName());

            Layout layout = Layout.of("two things", List.of(Instance.of("a thing", new Box(0, 0, 0.5, 0.5))));
            Conditioning mig = (Conditioning) own.encode.execute(new MapInputs().with("clip", clip)
                    .with("layout", layout), context).value(0);
            assertEquals(1, mig.entries().size());
            NodeException noLoader = assertThrows(NodeException.class, () -> own.apply.execute(new MapInputs()
                    .with("model", base).with("conditioning", mig).with("fusion", "avg").with("beta", 0.7), context));
            assertEquals("model", noLoader.inputName());
            assertTrue(noLoader.getMessage().contains("MIGLoRALoader"), noLoader.getMessage());

            try (NDManager m = own.runtime.newManager("plain")) {
                Conditioning plain = clip.encode("a thing", m.newSubManager());

                {
                    Files.copy(Pack.releasedEncoder(), models.resolve("miglora/enc.safetensors"));
                    DiffusionModel lora = (DiffusionModel) own.loader.execute(new MapInputs()
                            .with("model", base).with("mask_encoder_name", "enc.safetensors")
                            .with("lora_name", "tiny-sd15-peft.safetensors").with("strength_model", 1.0), context)
                            .value(0);
                    NodeException notMig = assertThrows(NodeException.class, () -> own.apply.execute(
                            new MapInputs().with("model", lora).with("conditioning", plain)
                                    .with("fusion", "avg").with("beta", 0.7), context));
                    assertEquals("conditioning", notMig.inputName());
                    assertTrue(notMig.getMessage().contains("MIGEncode"), notMig.getMessage());
                    NodeException fusion = assertThrows(NodeException.class, () -> own.apply.execute(
                            new MapInputs().with("model", lora).with("conditioning", mig)
                                    .with("fusion", "max").with("beta", 0.7), context));
                    assertEquals("fusion", fusion.inputName());
                    assertEquals(1, own.apply.validate(new MapInputs().with("beta", 1.5)).size());
                    DiffusionModel applied = (DiffusionModel) own.apply.execute(new MapInputs()
                            .with("model", lora).with("conditioning", mig).with("fusion", "avg").with("beta", 0.7),
                            context).value(0);
                    NodeException twice = assertThrows(NodeException.class, () -> own.apply.execute(
                            new MapInputs().with("model", applied).with("conditioning", mig)
                                    .with("fusion", "avg").with("beta", 0.7), context));
                    assertTrue(twice.getMessage().contains("already"), twice.getMessage());
                    applied.close();
                    lora.close();
                }
                plain.close();
            }
            mig.close();
            clip.close();
            base.close();
        }
    }
}
