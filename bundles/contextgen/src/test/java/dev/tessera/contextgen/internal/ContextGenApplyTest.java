package dev.tessera.contextgen.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.contextgen.ContextGenLayout;
import dev.tessera.contextgen.Reference;
import dev.tessera.contextgen.internal.nodes.ContextGenApplyNode;
import dev.tessera.flux.nodes.internal.TransformerCheckpoints;
import dev.tessera.flux.nodes.internal.nodes.UNETLoaderNode;
import dev.tessera.graph.api.NodeException;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.LatentPacking;
import dev.tessera.models.dit.AttentionMask;
import dev.tessera.models.dit.AttentionMode;
import dev.tessera.models.dit.BlockKind;
import dev.tessera.models.dit.BlockMasks;
import dev.tessera.models.dit.FluxInput;
import dev.tessera.models.dit.FluxTransformer2DModel;
import dev.tessera.models.dit.Kontext;
import dev.tessera.models.dit.KontextPatch;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import dev.tessera.sampling.ModelStep;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ContextGenApply on the pack's tiny FLUX (2 double + 2 single blocks, 4 latent channels) with a random FLUX-style
 * VAE: a 64x64 output (4x4 tokens), reference 0 of 32x32 (2x2 tokens) in box (0,0)-(32,48), reference 1 of 32x16
 * (2x1 tokens) in box (24,16)-(64,64). The patched handle's prediction is checked against one joint forward of the
 * transformer over [noise | layout | ref 0 | ref 1] with ids and per-block masks written here from the method
 * notes' sentences (not from the contextgen classes).
 */
class ContextGenApplyTest {

    private static final int TEXT = 8;

    @TempDir
    Path root;

    private CpuRuntime tensors;
    private TransformerCheckpoints checkpoints;
    private RunScope scope;
    private RecordingContext context;
    private DirFolders folders;
    private NDManager test;

    @BeforeEach
    void setUp() throws Exception {
        tensors = new CpuRuntime();
        checkpoints = new TransformerCheckpoints(tensors);
        scope = new RunScope();
        context = new RecordingContext(scope);
        folders = new DirFolders(root);
        test = tensors.newManager("test");
        ConformancePack.diffusionModel(folders.models(), "flux/single-file", "tiny-flux");
    }

    @AfterEach
    void tearDown() throws Exception {
        test.close();
        scope.close();
        checkpoints.close();
        tensors.close();
    }

    private static Reference reference(int w, int h, long seed) {
        Random random = new Random(seed);
        float[] rgb = new float[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = random.nextFloat();
        }
        float[] alpha = new float[w * h];
        Arrays.fill(alpha, 1f);
        return Reference.of("reference", w, h, rgb, alpha);
    }

    private static ContextGenLayout layout() {
        return ContextGenLayout.of("a cat and a dog", 64, 64, List.of(
                new ContextGenLayout.Entry("a cat", 0, 0, 32, 48, Optional.of(reference(32, 32, 1))),
                new ContextGenLayout.Entry("a dog", 24, 16, 64, 64, Optional.of(reference(32, 16, 2)))), null);
    }

    private DiffusionModel flux() {
        return (DiffusionModel) new UNETLoaderNode(folders, tensors, checkpoints).execute(new MapInputs()
                .with("unet_name", "tiny-flux.safetensors").with("weight_dtype", "default"), context).values().get(0);
    }

    private DiffusionModel apply(DiffusionModel model, RandomFluxVae vae, String attention, String path) {
        return (DiffusionModel) new ContextGenApplyNode(tensors).execute(new MapInputs().with("model", model)
                .with("vae", vae).with("contextgen_layout", layout()).with("text_tokens", (long) TEXT)
                .with("attention", attention).with("attention_path", path), context).values().get(0);
    }

    private Conditioning conditioning() {
        NDManager owner = tensors.newManager("cond");
        Random random = new Random(7);
        float[] text = new float[TEXT * 32];
        float[] pooled = new float[32];
        for (int i = 0; i < text.length; i++) {
            text[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < pooled.length; i++) {
            pooled[i] = (float) random.nextGaussian();
        }
        return Conditioning.owning(owner, List.of(new Conditioning.Entry(owner.create(text, new Shape(1, TEXT, 32)),
                owner.create(pooled, new Shape(1, 32)))));
    }

    // Sequence after the text: main 16 (rows of 4), layout 16, ref 0: 4 (2x2), ref 1: 2 (1 row of 2).
    private static final int MAIN = TEXT;
    private static final int LAYOUT = MAIN + 16;
    private static final int REF0 = LAYOUT + 16;
    private static final int REF1 = REF0 + 4;
    private static final int L = REF1 + 2;

    /** The notes' rules, pair by pair. Box tokens: ref 0 cols 0-1 rows 0-2; ref 1 cols 1-3 rows 1-3. */
    private static boolean allows(boolean ica, int q, int k) {
        if (k < MAIN) {
            return true;
        }
        boolean kImage = k < REF0;
        if (q < REF0) {
            if (kImage) {
                return true;
            }
            if (!ica || q < MAIN || q >= LAYOUT) {
                return false;
            }
            int row = (q - MAIN) / 4;
            int col = (q - MAIN) % 4;
            boolean inBox0 = col < 2 && row < 3;
            boolean inBox1 = col >= 1 && row >= 1;
            return k < REF1 ? inBox0 : inBox1;
        }
        boolean qRef0 = q < REF1;
        return qRef0 ? k >= REF0 && k < REF1 : k >= REF1;
    }

    private static float[] expectedContextIds() {
        float[] ids = new float[(16 + 4 + 2) * 3];
        int at = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                ids[at++] = 1;
                ids[at++] = i;
                ids[at++] = j;
            }
        }
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                ids[at++] = 1;
                ids[at++] = 4 + i;
                ids[at++] = 4 + j;
            }
        }
        for (int j = 0; j < 2; j++) {
            ids[at++] = 1;
            ids[at++] = 6;
            ids[at++] = 6 + j;
        }
        return ids;
    }

    /**
     * The patch's tensors own their memory. DJL backs an array made from Java data by a direct buffer
     * (torch::from_blob) that is freed once that array is collected, so a view of it kept past its manager reads
     * freed memory: here, many patches, a collection, the freed memory filled with NaN, then every patch's ids read.
     */
    @Test
    void patchTensorsSurviveTheCollectionOfTheirTemporaries() throws Exception {
        RandomFluxVae vae = new RandomFluxVae(test, 4, 11);
        List<DiffusionModel> patched = new java.util.ArrayList<>();
        try (DiffusionModel base = flux(); NDManager junk = tensors.newManager("junk")) {
            for (int i = 0; i < 20; i++) {
                patched.add(apply(base, vae, "paper", "dense"));
            }
            for (int round = 0; round < 5; round++) {
                System.gc();
                Thread.sleep(50);
                for (int i = 0; i < 200; i++) {
                    junk.full(new Shape((16 + 4 + 2) * 3), Float.NaN);
                }
            }
            for (DiffusionModel model : patched) {
                assertArrayEquals(expectedContextIds(), ((KontextPatch) model.patches().get(0)).contextIds()
                        .toFloatArray());
            }
        } finally {
            patched.forEach(DiffusionModel::close);
        }
    }

    @Test
    void thePatchedModelComputesTheJointForwardWithContextGensIdsAndPerBlockMasks() throws Exception {
        RandomFluxVae vae = new RandomFluxVae(test, 4, 11);
        try (DiffusionModel base = flux(); Conditioning cond = conditioning();
                DiffusionModel patched = apply(base, vae, "paper", "dense");
                DiffusionModel skipping = apply(base, vae, "paper", "skip");
                DiffusionModel claOnly = apply(base, vae, "cla_only", "auto");
                NDManager run = tensors.newManager("run");
                FluxCheckpoint checkpoint = FluxCheckpoint.open(folders.models().resolve(
                        "diffusion_models/tiny-flux.safetensors"), null, DataType.FLOAT32, test.newSubManager())) {
            KontextPatch patch = (KontextPatch) patched.patches().get(0);
            assertArrayEquals(expectedContextIds(), patch.contextIds().toFloatArray());

            // Context tokens: the layout composite, then each reference, through the VAE, to model space, packed.
            List<NDArray> images = layout().contextImages(run, DataType.FLOAT32);
            NDArray expectedTokens = null;
            for (NDArray image : images) {
                NDArray z = vae.encode(image, run).sub(0.1159f).mul(0.3611f);
                NDArray packed = LatentPacking.pack(z);
                expectedTokens = expectedTokens == null ? packed : expectedTokens.concat(packed, 1);
            }
            assertEquals(0.0, maxAbs(patch.contextTokens(), expectedTokens), 1e-6);

            float[] noise = new float[4 * 8 * 8];
            Random random = new Random(3);
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) random.nextGaussian();
            }
            NDArray latent = run.create(noise, new Shape(1, 4, 8, 8));
            ModelStep step = new ModelStep(0, 1, 700, 0.7);
            NDArray dense;
            NDArray skip;
            NDArray cla;
            try (BoundDenoiser d = patched.guided(cond, null, 1.0, run)) {
                dense = d.predict(latent, step);
            }
            try (BoundDenoiser d = skipping.guided(cond, null, 1.0, run)) {
                skip = d.predict(latent, step);
            }
            try (BoundDenoiser d = claOnly.guided(cond, null, 1.0, run)) {
                cla = d.predict(latent, step);
            }

            AttentionMask icaMask = AttentionMask.of(L, (q, k) -> allows(true, q, k));
            AttentionMask claMask = AttentionMask.of(L, (q, k) -> allows(false, q, k));
            BlockMasks paper = (kind, index) -> kind == BlockKind.SINGLE && index == 0 ? icaMask : claMask;
            FluxTransformer2DModel transformer = checkpoint.transformer();
            Conditioning.Entry entry = cond.entries().get(0);
            NDArray hidden = LatentPacking.pack(latent).concat(expectedTokens, 1);
            NDArray ids = Kontext.gridIds(run, 0, 4, 4, 0, 0).concat(run.create(expectedContextIds(),
                    new Shape(22, 3)), 0);
            FluxInput joint = new FluxInput(hidden, entry.embeddings(), entry.pooled(), run.create(new float[] {0.7f}),
                    ids, run.zeros(new Shape(TEXT, 3)), run.create(new float[] {3.5f}));
            NDArray reference = LatentPacking.unpack(transformer.forward(joint, paper, AttentionMode.DENSE)
                    .get(new NDIndex(":, :16, :")), 8, 8);
            double error = relative(dense, reference);
            System.out.printf("ContextGenApply (dense) vs joint forward with hand-written masks: relative L2 %.2e%n",
                    error);
            assertTrue(error < 1e-5, "relative L2 " + error);
            assertTrue(relative(skip, reference) < 1e-5, "skipping path " + relative(skip, reference));
            NDArray claReference = LatentPacking.unpack(transformer.forward(joint, BlockMasks.everywhere(claMask),
                    AttentionMode.DENSE).get(new NDIndex(":, :16, :")), 8, 8);
            assertTrue(relative(cla, claReference) < 1e-5, "cla_only " + relative(cla, claReference));
            assertTrue(relative(cla, dense) > 1e-4, "ICA in single block 0 must change the prediction");
        }
    }

    /**
     * float16 end to end on the CPU for ContextGen: the joint forward with ContextGen's context tokens, ids and
     * per-block ICA/CLA masks, through both attention paths, in float16 against the same forward in float32 (the
     * reference the pack's case is checked against above), within {@link #FLOAT16_TOLERANCE} relative L2.
     */
    @Test
    void theContextGenForwardInFloat16StaysCloseToFloat32() throws Exception {
        RandomFluxVae vae = new RandomFluxVae(test, 4, 11);
        Path file = folders.models().resolve("diffusion_models/tiny-flux.safetensors");
        try (Conditioning cond = conditioning(); NDManager run = tensors.newManager("run");
                FluxCheckpoint full = FluxCheckpoint.open(file, null, DataType.FLOAT32, test.newSubManager());
                FluxCheckpoint half = FluxCheckpoint.open(file, null, DataType.FLOAT16, test.newSubManager())) {
            NDArray tokens = null;
            for (NDArray image : layout().contextImages(run, DataType.FLOAT32)) {
                NDArray packed = LatentPacking.pack(vae.encode(image, run).sub(0.1159f).mul(0.3611f));
                tokens = tokens == null ? packed : tokens.concat(packed, 1);
            }
            float[] noise = new float[4 * 8 * 8];
            Random random = new Random(5);
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) random.nextGaussian();
            }
            NDArray latent = run.create(noise, new Shape(1, 4, 8, 8));
            AttentionMask icaMask = AttentionMask.of(L, (q, k) -> allows(true, q, k));
            AttentionMask claMask = AttentionMask.of(L, (q, k) -> allows(false, q, k));
            BlockMasks paper = (kind, index) -> kind == BlockKind.SINGLE && index == 0 ? icaMask : claMask;
            Conditioning.Entry entry = cond.entries().get(0);
            NDArray ids = Kontext.gridIds(run, 0, 4, 4, 0, 0).concat(run.create(expectedContextIds(),
                    new Shape(22, 3)), 0);
            FluxInput joint = new FluxInput(LatentPacking.pack(latent).concat(tokens, 1), entry.embeddings(),
                    entry.pooled(), run.create(new float[] {0.7f}), ids, run.zeros(new Shape(TEXT, 3)),
                    run.create(new float[] {3.5f}));
            for (AttentionMode mode : AttentionMode.values()) {
                NDArray reference = full.transformer().forward(joint, paper, mode);
                NDArray out = half.transformer().forward(joint, paper, mode);
                assertEquals(DataType.FLOAT16, out.getDataType());
                double error = relative(out, reference);
                System.out.printf("ContextGen forward, %s attention, float16 vs float32: relative L2 %.2e%n", mode,
                        error);
                assertTrue(error < FLOAT16_TOLERANCE, mode + ": relative L2 " + error);
            }
        }
    }

    /** float16 keeps 11 significant bits (about 5e-4 per rounding), accumulated over the blocks. */
    private static final double FLOAT16_TOLERANCE = 1e-2;

    @Test
    void badInputsAreNamed() {
        RandomFluxVae sixteen = new RandomFluxVae(test, 16, 5);
        try (DiffusionModel base = flux()) {
            NodeException e = assertThrows(NodeException.class, () -> apply(base, sixteen, "paper", "auto"));
            assertEquals("vae", e.inputName());
            assertTrue(e.getMessage().contains("16 channels"), e.getMessage());
            RandomFluxVae vae = new RandomFluxVae(test, 4, 5);
            NDManager images = tensors.newManager("image");
            try {
                // A layout image of another size is resized to the output (LayoutImage), not refused.
                var other = dev.tessera.image.ImageBatch.owning(images, images.zeros(new Shape(1, 32, 64, 3)));
                DiffusionModel resized = (DiffusionModel) new ContextGenApplyNode(tensors).execute(new MapInputs()
                        .with("model", base).with("vae", vae).with("contextgen_layout", layout())
                        .with("text_tokens", (long) TEXT).with("attention", "paper").with("attention_path", "auto")
                        .with("layout_image", other), context).value(0);
                assertEquals(base.patches().size() + 1, resized.patches().size());
                resized.close();
            } finally {
                images.close();
            }
        }
    }

    @Test
    void aUserLayoutImageReplacesTheCompositeInTheContextTokens() {
        RandomFluxVae vae = new RandomFluxVae(test, 4, 11);
        NDManager images = tensors.newManager("image");
        try (DiffusionModel base = flux(); NDManager run = tensors.newManager("run")) {
            var white = dev.tessera.image.ImageBatch.owning(images, images.ones(new Shape(1, 64, 64, 3)));
            try (DiffusionModel patched = (DiffusionModel) new ContextGenApplyNode(tensors).execute(new MapInputs()
                    .with("model", base).with("vae", vae).with("contextgen_layout", layout())
                    .with("text_tokens", (long) TEXT).with("attention", "paper").with("attention_path", "auto")
                    .with("layout_image", white), context).values().get(0)) {
                KontextPatch patch = (KontextPatch) patched.patches().get(0);
                NDArray expected = LatentPacking.pack(vae.encode(run.ones(new Shape(1, 64, 64, 3)), run)
                        .sub(0.1159f).mul(0.3611f));
                assertEquals(0.0, maxAbs(patch.contextTokens().get(new NDIndex(":, :16, :")), expected), 1e-6);
            }
        } finally {
            images.close();
        }
    }

    private static double maxAbs(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    private static double relative(NDArray a, NDArray b) {
        NDArray d = a.toType(DataType.FLOAT32, false).sub(b.toType(DataType.FLOAT32, false));
        return Math.sqrt(d.mul(d).sum().getFloat() / b.mul(b).sum().getFloat());
    }
}
