package dev.tessera.contextgen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.flux.nodes.internal.TransformerCheckpoints;
import dev.tessera.flux.nodes.internal.nodes.UNETLoaderNode;
import dev.tessera.lora.internal.LoraCatalog;
import dev.tessera.lora.internal.nodes.LoraLoaderModelOnlyNode;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.LatentPacking;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.PatchedWeights;
import dev.tessera.models.dit.FluxInput;
import dev.tessera.models.dit.FluxTransformer2DModel;
import dev.tessera.models.dit.FluxTransformerConfig;
import dev.tessera.models.dit.Kontext;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import dev.tessera.sampling.ModelStep;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ContextGen's LoRA (diffusers PEFT naming, {@code transformer.<module>.lora_A/lora_B.weight}, on the method notes'
 * targets) through LoraLoaderModelOnly on the tiny FLUX: a random rank-2 LoRA written here on every target of the
 * 2 + 2 block model; the handle's prediction must equal a transformer built over W + B·A computed here for every
 * target (PEFT: alpha / rank = 1), so a target the lora bundle's FLUX table missed would show.
 */
class ContextGenLoraTest {

    private static final int RANK = 2;

    @TempDir
    Path root;

    private CpuRuntime tensors;
    private TransformerCheckpoints checkpoints;
    private RunScope scope;
    private RecordingContext context;
    private DirFolders folders;

    @BeforeEach
    void setUp() throws Exception {
        tensors = new CpuRuntime();
        checkpoints = new TransformerCheckpoints(tensors);
        scope = new RunScope();
        context = new RecordingContext(scope);
        folders = new DirFolders(root);
        ConformancePack.diffusionModel(folders.models(), "flux/single-file", "tiny-flux");
        Files.createDirectories(folders.models().resolve("loras"));
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        checkpoints.close();
        tensors.close();
    }

    /** The method notes' targets for a model of {@code doubles} + {@code singles} blocks. */
    static List<String> contextGenTargets(int doubles, int singles) {
        List<String> modules = new ArrayList<>(List.of("x_embedder"));
        for (int i = 0; i < doubles; i++) {
            for (String m : List.of("norm1.linear", "attn.to_q", "attn.to_k", "attn.to_v", "attn.to_out.0",
                    "ff.net.2")) {
                modules.add("transformer_blocks." + i + "." + m);
            }
        }
        for (int i = 0; i < singles; i++) {
            for (String m : List.of("norm.linear", "proj_mlp", "proj_out", "attn.to_q", "attn.to_k", "attn.to_v")) {
                modules.add("single_transformer_blocks." + i + "." + m);
            }
        }
        return modules;
    }

    @Test
    void aPeftLoraOnContextGensTargetsMergesIntoTheFluxHandle() throws Exception {
        try (NDManager test = tensors.newManager("test");
                FluxCheckpoint checkpoint = FluxCheckpoint.open(folders.models().resolve(
                        "diffusion_models/tiny-flux.safetensors"), null, DataType.FLOAT32, test.newSubManager())) {
            FluxTransformerConfig config = checkpoint.config();
            Map<String, Shape> shapes = ParameterSpecs.of(w -> new FluxTransformer2DModel(config, w,
                    DataType.FLOAT32));
            Random random = new Random(5);
            Map<String, NDArray> file = new LinkedHashMap<>();
            Map<String, NDArray> merged = new HashMap<>();
            List<String> targets = contextGenTargets(config.numLayers(), config.numSingleLayers());
            assertEquals(1 + 6 * 2 + 6 * 2, targets.size());
            for (String module : targets) {
                Shape w = shapes.get(module + ".weight");
                NDArray a = test.create(gaussian(random, RANK * (int) w.get(1), 0.1f), new Shape(RANK, w.get(1)));
                NDArray b = test.create(gaussian(random, (int) w.get(0) * RANK, 0.1f), new Shape(w.get(0), RANK));
                file.put("transformer." + module + ".lora_A.weight", a);
                file.put("transformer." + module + ".lora_B.weight", b);
                merged.put(module + ".weight", checkpoint.weights().get(module + ".weight", w).add(b.matMul(a)));
            }
            Path lora = folders.models().resolve("loras/contextgen-tiny.safetensors");
            SafetensorsWriter.write(lora, file, Map.of());

            LoraCatalog none = new LoraCatalog() {
                @Override
                public List<String> names() {
                    return List.of();
                }

                @Override
                public Optional<Path> find(String name) {
                    return Optional.empty();
                }
            };
            try (DiffusionModel base = (DiffusionModel) new UNETLoaderNode(folders, tensors, checkpoints).execute(new MapInputs()
                    .with("unet_name", "tiny-flux.safetensors").with("weight_dtype", "default"), context)
                    .values().get(0);
                    DiffusionModel patched = (DiffusionModel) new LoraLoaderModelOnlyNode(folders, tensors, none)
                            .execute(new MapInputs().with("model", base).with("lora_name", "contextgen-tiny.safetensors")
                                    .with("strength_model", 1.0), context).values().get(0);
                    NDManager run = tensors.newManager("run");
                    Conditioning cond = conditioning(run, random)) {
                NDArray latent = run.create(gaussian(random, 4 * 8 * 8, 1f), new Shape(1, 4, 8, 8));
                ModelStep step = new ModelStep(0, 1, 600, 0.6);
                NDArray withLora;
                NDArray without;
                try (BoundDenoiser d = patched.guided(cond, null, 1.0, run)) {
                    withLora = d.predict(latent, step);
                }
                try (BoundDenoiser d = base.guided(cond, null, 1.0, run)) {
                    without = d.predict(latent, step);
                }
                FluxTransformer2DModel expectedModel = new FluxTransformer2DModel(config,
                        new PatchedWeights(checkpoint.weights(), merged), DataType.FLOAT32);
                Conditioning.Entry entry = cond.entries().get(0);
                NDArray expected = LatentPacking.unpack(expectedModel.forward(new FluxInput(LatentPacking.pack(latent),
                        entry.embeddings(), entry.pooled(), run.create(new float[] {0.6f}),
                        Kontext.gridIds(run, 0, 4, 4, 0, 0), run.zeros(new Shape(8, 3)),
                        run.create(new float[] {3.5f}))), 8, 8);
                double error = relative(withLora, expected);
                System.out.printf("FLUX handle + PEFT LoRA (25 ContextGen targets) vs hand merge: relative L2 %.2e%n",
                        error);
                assertTrue(error < 1e-5, "relative L2 " + error);
                assertTrue(relative(without, expected) > 1e-3, "the LoRA must change the prediction");
                // The base handle is untouched by the patched one.
                try (BoundDenoiser d = base.guided(cond, null, 1.0, run)) {
                    assertEquals(0.0, relative(d.predict(latent, step), without));
                }
            }
        }
    }

    /**
     * LoraLoader (model and clip) on a FLUX graph, as ComfyUI users wire it: a transformer-only LoRA patches the model
     * and passes the FLUX text encoders on unchanged; a LoRA with CLIP-L modules is refused, naming strength_clip.
     */
    @Test
    void loraLoaderTakesFluxsTextEncodersWhenTheLoraLeavesThemAlone() throws Exception {
        Path encoders = ConformancePack.sampleWorkflows().resolve("models/text_encoders");
        try (var files = Files.walk(encoders)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                ConformancePack.copy(file, folders.models().resolve("text_encoders")
                        .resolve(encoders.relativize(file).toString()));
            }
        }
        Random random = new Random(8);
        try (NDManager test = tensors.newManager("test")) {
            Map<String, NDArray> transformerOnly = new LinkedHashMap<>();
            transformerOnly.put("transformer.x_embedder.lora_A.weight", test.create(gaussian(random, 2 * 16, 0.1f),
                    new Shape(2, 16)));
            transformerOnly.put("transformer.x_embedder.lora_B.weight", test.create(gaussian(random, 32 * 2, 0.1f),
                    new Shape(32, 2)));
            SafetensorsWriter.write(folders.models().resolve("loras/transformer-only.safetensors"), transformerOnly,
                    Map.of());
            Map<String, NDArray> withClip = new LinkedHashMap<>(transformerOnly);
            withClip.put("lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight",
                    test.create(gaussian(random, 2 * 32, 0.1f), new Shape(2, 32)));
            withClip.put("lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight",
                    test.create(gaussian(random, 32 * 2, 0.1f), new Shape(32, 2)));
            SafetensorsWriter.write(folders.models().resolve("loras/with-clip.safetensors"), withClip, Map.of());
        }
        LoraCatalog none = new LoraCatalog() {
            @Override
            public List<String> names() {
                return List.of();
            }

            @Override
            public Optional<Path> find(String name) {
                return Optional.empty();
            }
        };
        try (DiffusionModel base = (DiffusionModel) new UNETLoaderNode(folders, tensors, checkpoints).execute(new MapInputs()
                .with("unet_name", "tiny-flux.safetensors").with("weight_dtype", "default"), context).values().get(0);
                dev.tessera.model.api.TextEncoder clip = (dev.tessera.model.api.TextEncoder)
                        new dev.tessera.flux.nodes.internal.nodes.DualCLIPLoaderNode(folders, tensors)
                                .execute(new MapInputs().with("clip_name1", "tiny-t5/model.safetensors")
                                        .with("clip_name2", "tiny-clip-l.safetensors").with("type", "flux"), context)
                                .values().get(0);
                NDManager run = tensors.newManager("run")) {
            dev.tessera.lora.internal.nodes.LoraLoaderNode loader =
                    new dev.tessera.lora.internal.nodes.LoraLoaderNode(folders, tensors, none);
            List<Object> out = loader.execute(new MapInputs().with("model", base).with("clip", clip)
                    .with("lora_name", "transformer-only.safetensors").with("strength_model", 1.0)
                    .with("strength_clip", 1.0), context).values();
            try (DiffusionModel patched = (DiffusionModel) out.get(0);
                    dev.tessera.model.api.TextEncoder passed = (dev.tessera.model.api.TextEncoder) out.get(1);
                    Conditioning a = clip.encode("a red apple", run.newSubManager());
                    Conditioning b = passed.encode("a red apple", run.newSubManager())) {
                assertEquals(1, patched.patches().size());
                assertEquals(0.0, relative(b.entries().get(0).embeddings(), a.entries().get(0).embeddings()));
                assertEquals(0.0, relative(b.entries().get(0).pooled(), a.entries().get(0).pooled()));
            }
            dev.tessera.graph.api.NodeException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.tessera.graph.api.NodeException.class, () -> loader.execute(new MapInputs()
                            .with("model", base).with("clip", clip).with("lora_name", "with-clip.safetensors")
                            .with("strength_model", 1.0).with("strength_clip", 1.0), context));
            assertEquals("clip", refused.inputName());
            assertTrue(refused.getMessage().contains("LoRA on FLUX's text encoders is not supported yet")
                    && refused.getMessage().contains("strength_clip"), refused.getMessage());
        }
    }

    private static Conditioning conditioning(NDManager run, Random random) {
        NDManager owner = run.newSubManager();
        return Conditioning.owning(owner, List.of(new Conditioning.Entry(
                owner.create(gaussian(random, 8 * 32, 1f), new Shape(1, 8, 32)),
                owner.create(gaussian(random, 32, 1f), new Shape(1, 32)))));
    }

    private static float[] gaussian(Random random, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * (float) random.nextGaussian();
        }
        return v;
    }

    private static double relative(NDArray a, NDArray b) {
        NDArray d = a.sub(b);
        return Math.sqrt(d.mul(d).sum().getFloat() / b.mul(b).sum().getFloat());
    }
}
