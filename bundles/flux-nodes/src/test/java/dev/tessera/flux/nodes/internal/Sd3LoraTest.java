package dev.tessera.flux.nodes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.flux.nodes.internal.nodes.UNETLoaderNode;
import dev.tessera.lora.internal.LoraCatalog;
import dev.tessera.lora.internal.nodes.LoraLoaderModelOnlyNode;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.PatchedWeights;
import dev.tessera.models.dit.Sd3Input;
import dev.tessera.models.dit.Sd3Transformer2DModel;
import dev.tessera.models.dit.Sd3TransformerConfig;
import dev.tessera.models.dit.loading.Sd3Checkpoint;
import dev.tessera.sampling.ModelStep;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import dev.tessera.testing.Closeness;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * An SD3 transformer LoRA in diffusers/PEFT naming ({@code transformer.<module>.lora_A/lora_B.weight}) through
 * LoraLoaderModelOnly on the SD3 handle of the pack's tiny MMDiT (original single file, fused qkv): a random rank-2
 * LoRA on every linear layer of the model; the handle's prediction must equal a transformer built over W + B·A
 * computed here (PEFT: alpha / rank = 1), so a module the lora bundle's SD3 table missed, or a row of a fused qkv
 * landing in the wrong place, would show.
 */
class Sd3LoraTest {

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
        ConformancePack.diffusionModel(folders.models(), "sd3/single-file", "tiny-sd3");
        Files.createDirectories(folders.models().resolve("loras"));
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        checkpoints.close();
        tensors.close();
    }

    @Test
    void aPeftLoraOnEveryLinearMergesIntoTheSd3Handle() throws Exception {
        try (NDManager test = tensors.newManager("test");
                Sd3Checkpoint checkpoint = Sd3Checkpoint.open(folders.models().resolve(
                        "diffusion_models/tiny-sd3.safetensors"), null, DataType.FLOAT32, test.newSubManager())) {
            Sd3TransformerConfig config = checkpoint.config();
            Map<String, Shape> shapes = ParameterSpecs.of(w -> new Sd3Transformer2DModel(config, w,
                    DataType.FLOAT32));
            Random random = new Random(11);
            Map<String, NDArray> file = new LinkedHashMap<>();
            Map<String, NDArray> merged = new HashMap<>();
            int modules = 0;
            for (Map.Entry<String, Shape> parameter : shapes.entrySet()) {
                Shape w = parameter.getValue();
                if (!parameter.getKey().endsWith(".weight") || w.dimension() != 2) {
                    continue;
                }
                String module = parameter.getKey().substring(0, parameter.getKey().length() - ".weight".length());
                NDArray a = test.create(gaussian(random, RANK * (int) w.get(1), 0.1f), new Shape(RANK, w.get(1)));
                NDArray b = test.create(gaussian(random, (int) w.get(0) * RANK, 0.1f), new Shape(w.get(0), RANK));
                file.put("transformer." + module + ".lora_A.weight", a);
                file.put("transformer." + module + ".lora_B.weight", b);
                merged.put(parameter.getKey(), checkpoint.weights().get(parameter.getKey(), w).add(b.matMul(a)));
                modules++;
            }
            // Block 0: 2 modulations, 6 q/k/v, 2 outputs, 4 MLP linears; block 1 (pre-only context): 2 + 6 + 1 + 2;
            // context_embedder, 2 + 2 timestep/pooled embedders, norm_out, proj_out.
            assertEquals(14 + 11 + 7, modules, "every linear of the tiny MMDiT");
            SafetensorsWriter.write(folders.models().resolve("loras/sd3-tiny.safetensors"), file, Map.of());

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
                    .with("unet_name", "tiny-sd3.safetensors").with("weight_dtype", "default"), context)
                    .values().get(0);
                    DiffusionModel patched = (DiffusionModel) new LoraLoaderModelOnlyNode(folders, tensors, none)
                            .execute(new MapInputs().with("model", base).with("lora_name", "sd3-tiny.safetensors")
                                    .with("strength_model", 1.0), context).values().get(0);
                    NDManager run = tensors.newManager("run");
                    NDManager owner = tensors.newManager("conditioning")) {
                Conditioning cond = Conditioning.owning(owner, List.of(new Conditioning.Entry(
                        owner.create(gaussian(random, 6 * 32, 1f), new Shape(1, 6, 32)),
                        owner.create(gaussian(random, 64, 1f), new Shape(1, 64)))));
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
                Sd3Transformer2DModel expectedModel = new Sd3Transformer2DModel(config,
                        new PatchedWeights(checkpoint.weights(), merged), DataType.FLOAT32);
                Conditioning.Entry entry = cond.entries().get(0);
                NDArray expected = expectedModel.forward(new Sd3Input(latent, entry.embeddings(), entry.pooled(),
                        run.create(new float[] {600f})));
                double error = Closeness.relativeError(withLora, expected);
                System.out.printf("SD3 handle + PEFT LoRA (%d modules) vs hand merge: relative L2 %.2e%n", modules,
                        error);
                assertTrue(error < 1e-5, "relative L2 " + error);
                assertTrue(Closeness.relativeError(without, expected) > 1e-3, "the LoRA must change the prediction");
                try (BoundDenoiser d = base.guided(cond, null, 1.0, run)) {
                    assertEquals(0.0, Closeness.relativeError(d.predict(latent, step), without),
                            "the base handle is untouched by the patched one");
                }
            }
        }
    }

    private static float[] gaussian(Random random, int n, float scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian() * scale;
        }
        return out;
    }
}
