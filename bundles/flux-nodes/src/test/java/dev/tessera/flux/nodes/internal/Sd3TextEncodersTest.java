package dev.tessera.flux.nodes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.flux.nodes.internal.nodes.CLIPLoaderNode;
import dev.tessera.flux.nodes.internal.nodes.CLIPTextEncodeSD3Node;
import dev.tessera.flux.nodes.internal.nodes.DualCLIPLoaderNode;
import dev.tessera.flux.nodes.internal.nodes.TripleCLIPLoaderNode;
import dev.tessera.flux.nodes.tools.TinySd3Checkpoint;
import dev.tessera.graph.api.NodeException;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.CLIPTextOutput;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.models.t5.loading.T5EncoderCheckpoint;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import dev.tessera.tokenizers.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SD3's text encoders on the pack's tiny SDXL CLIP-L and CLIP-G (16 wide each; CLIP-G with its text projection
 * stored at transformers' top level, {@code text_projection.weight}) and tiny T5 (32 wide): the conditioning
 * TripleCLIPLoader, DualCLIPLoader and CLIPLoader give equals the three encoders run separately (loaded by their own
 * bundles' loaders, fed ids made here by the tokenizers' rules) and joined by hand as ComfyUI's SD3ClipModel joins
 * them: states [L | G | zeros to T5's width] then T5's states along tokens, pooled [L pooled | G projected pooled].
 */
class Sd3TextEncodersTest {

    private static final String PROMPT = "a red apple on the left";

    @TempDir
    Path root;

    private CpuRuntime tensors;
    private TransformerCheckpoints checkpoints;
    private RunScope scope;
    private RecordingContext context;
    private DirFolders folders;
    private Path pack;

    @BeforeEach
    void setUp() throws Exception {
        tensors = new CpuRuntime();
        checkpoints = new TransformerCheckpoints(tensors);
        scope = new RunScope();
        context = new RecordingContext(scope);
        folders = new DirFolders(root);
        pack = ConformancePack.dir();
        Path encoders = Files.createDirectories(folders.models().resolve("text_encoders"));
        Path t5 = Files.createDirectories(encoders.resolve("tiny-t5"));
        Files.copy(pack.resolve("t5/encoder/config.json"), t5.resolve("config.json"));
        Files.copy(pack.resolve("t5/encoder/model.safetensors"), t5.resolve("model.safetensors"));
        Files.copy(Path.of("src/test/resources/t5-tokenizer/tokenizer.json"), t5.resolve("tokenizer.json"));
        for (String[] clip : new String[][] {{"text_encoder", "tiny-clip-l"}, {"text_encoder_2", "tiny-clip-g"},
                {"../../sd15/diffusers/text_encoder", "wide-clip-l"}}) {
            Path dir = pack.resolve("sdxl/diffusers").resolve(clip[0]).normalize();
            Files.copy(dir.resolve("model.safetensors"), encoders.resolve(clip[1] + ".safetensors"));
            Files.writeString(encoders.resolve(clip[1] + ".config.json"), endsAtOne(dir.resolve("config.json")));
        }
        Path tokenizer = Files.createDirectories(folders.models().resolve("tokenizers/clip_l"));
        Files.copy(pack.resolve("tokenizers/clip-style/tokenizer.json"), tokenizer.resolve("tokenizer.json"));
    }

    /** The pack's config with the clip-style tokenizer's end token (id 1) as eos: pooling at its first place. */
    private static String endsAtOne(Path config) throws Exception {
        return Files.readString(config).replace("\"eos_token_id\": 999", "\"eos_token_id\": 1");
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        checkpoints.close();
        tensors.close();
    }

    private TextEncoder triple(String first, String second, String third) {
        return (TextEncoder) new TripleCLIPLoaderNode(folders, tensors).execute(new MapInputs()
                .with("clip_name1", first).with("clip_name2", second).with("clip_name3", third), context)
                .values().get(0);
    }

    private TextEncoder dual(String first, String second) {
        return (TextEncoder) new DualCLIPLoaderNode(folders, tensors).execute(new MapInputs()
                .with("clip_name1", first).with("clip_name2", second).with("type", "sd3"), context).values().get(0);
    }

    /** CLIPLoader, with ComfyUI's optional device 'cpu' (taken: the runtime here is the CPU). */
    private TextEncoder single(String name) {
        return (TextEncoder) new CLIPLoaderNode(folders, tensors).execute(new MapInputs()
                .with("clip_name", name).with("type", "sd3").with("device", "cpu"), context).values().get(0);
    }

    /** The separately computed parts of {@link #PROMPT}: penultimate states and pooled outputs, T5's states. */
    private record Parts(float[] l, float[] lPooled, float[] g, float[] gPooled, float[] t5) {}

    private Parts reference(NDManager ref) throws Exception {
        long[] body;
        try (TextTokenizer tokenizer = TextTokenizer.fromFolder(folders.models().resolve("tokenizers/clip_l"))) {
            body = tokenizer.encode(PROMPT, false).ids();
        }
        assertTrue(body.length > 3, "the clip-style tokenizer splits the prompt into tokens");
        // <start> prompt <end>, then CLIP-L pads with <end> (1), CLIP-G with 0.
        long[] idsL = new long[77];
        long[] idsG = new long[77];
        Arrays.fill(idsL, 1);
        idsL[0] = 0;
        System.arraycopy(body, 0, idsL, 1, body.length);
        System.arraycopy(body, 0, idsG, 1, body.length);
        idsG[body.length + 1] = 1;
        int end = body.length + 1;
        float[][] clip = new float[4][];
        try (StableDiffusionCheckpoint sdxl = StableDiffusionCheckpoint.openDiffusers(pack.resolve("sdxl/diffusers"),
                tensors.base().getDevice(), DataType.FLOAT32, ref)) {
            for (int i = 0; i < 2; i++) {
                CLIPTextModel model = i == 0 ? sdxl.textEncoder() : sdxl.textEncoder2();
                CLIPTextOutput out = model.forward(ref.create(i == 0 ? idsL : idsG, new Shape(1, 77)));
                clip[2 * i] = out.penultimateHiddenState().toFloatArray();
                NDArray pooled = out.lastHiddenState().get(new NDIndex(":, {}, :", end));
                clip[2 * i + 1] = (i == 0 ? pooled : model.project(pooled)).toFloatArray();
            }
        }
        // T5: ▁a ▁red ▁apple ▁on ▁the ▁left = 3 4 5 7 8 9, </s> (1), <pad> (0) up to ComfyUI's minimum of 77.
        long[] t5Ids = new long[77];
        System.arraycopy(new long[] {3, 4, 5, 7, 8, 9, 1}, 0, t5Ids, 0, 7);
        float[] t5;
        try (T5EncoderCheckpoint encoder = T5EncoderCheckpoint.open(pack.resolve("t5/encoder"),
                tensors.base().getDevice(), DataType.FLOAT32, ref)) {
            t5 = encoder.model().forward(ref.create(t5Ids, new Shape(1, 77))).toFloatArray();
        }
        return new Parts(clip[0], clip[1], clip[2], clip[3], t5);
    }

    /**
     * States [1, 77 (+ 77 with T5), width] built by hand: L's 16 channels from {@code lAt} (or none), G's 16 from
     * {@code gAt} (or none), zeros elsewhere; then T5's 77 tokens when given.
     */
    private static float[] states(Parts p, boolean l, int gAt, boolean t5, int width) {
        int tokens = 77 + (t5 ? 77 : 0);
        float[] out = new float[tokens * width];
        for (int t = 0; t < 77; t++) {
            for (int c = 0; c < 16; c++) {
                if (l) {
                    out[t * width + c] = p.l()[t * 16 + c];
                }
                if (gAt >= 0) {
                    out[t * width + gAt + c] = p.g()[t * 16 + c];
                }
            }
        }
        if (t5) {
            System.arraycopy(p.t5(), 0, out, 77 * width, 77 * 32);
        }
        return out;
    }

    private static float[] concat(float[]... parts) {
        int n = Arrays.stream(parts).mapToInt(a -> a.length).sum();
        float[] out = new float[n];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    private static void assertClose(float[] expected, NDArray actual, String what) {
        float[] got = actual.toType(DataType.FLOAT32, false).toFloatArray();
        assertEquals(expected.length, got.length, what + ": size");
        for (int i = 0; i < got.length; i++) {
            assertTrue(Math.abs(got[i] - expected[i]) <= 1e-5f * (1 + Math.abs(expected[i])),
                    what + " [" + i + "]: " + got[i] + " vs " + expected[i]);
        }
    }

    @Test
    void tripleLoaderInAnyOrderEqualsTheEncodersRunSeparatelyAndJoined() throws Exception {
        try (NDManager ref = tensors.newManager("ref"); NDManager owner = tensors.newManager("out");
                TextEncoder clip = triple("tiny-t5/model.safetensors", "tiny-clip-g.safetensors",
                        "tiny-clip-l.safetensors")) {
            Parts p = reference(ref);
            assertEquals("sd3", clip.family());
            Conditioning.Entry entry = clip.encode(PROMPT, owner).entries().get(0);
            assertEquals(new Shape(1, 154, 32), entry.embeddings().getShape());
            assertEquals(new Shape(1, 32), entry.pooled().getShape());
            assertClose(states(p, true, 16, true, 32), entry.embeddings(), "states");
            assertClose(concat(p.lPooled(), p.gPooled()), entry.pooled(), "pooled");

            // CLIPTextEncodeSD3 with the same prompt thrice and empty_prompt padding is CLIPTextEncode.
            Conditioning split = (Conditioning) new CLIPTextEncodeSD3Node(tensors).execute(new MapInputs()
                    .with("clip", clip).with("clip_l", PROMPT).with("clip_g", PROMPT).with("t5xxl", PROMPT)
                    .with("empty_padding", "empty_prompt"), context).values().get(0);
            assertClose(states(p, true, 16, true, 32), split.entries().get(0).embeddings(), "CLIPTextEncodeSD3");
            split.close();
        }
    }

    @Test
    void absentEncodersLeaveTheirPartOutOrZeroAsComfyUI() throws Exception {
        try (NDManager ref = tensors.newManager("ref"); NDManager owner = tensors.newManager("out")) {
            Parts p = reference(ref);
            // CLIP-L + T5: no CLIP-G channels (zeros up to T5's width), CLIP-G's pooled part zeros at SD3's 1280.
            try (TextEncoder clip = dual("tiny-t5/model.safetensors", "tiny-clip-l.safetensors")) {
                Conditioning.Entry entry = clip.encode(PROMPT, owner).entries().get(0);
                assertClose(states(p, true, -1, true, 32), entry.embeddings(), "L + T5 states");
                assertClose(concat(p.lPooled(), new float[1280]), entry.pooled(), "L + T5 pooled");
            }
            // CLIP-G alone: shifted right by SD3's CLIP-L width 768, padded to SD3's T5 width 4096; no T5 tokens.
            try (TextEncoder clip = single("tiny-clip-g.safetensors")) {
                Conditioning.Entry entry = clip.encode(PROMPT, owner).entries().get(0);
                assertEquals(new Shape(1, 77, 4096), entry.embeddings().getShape());
                assertClose(states(p, false, 768, false, 4096), entry.embeddings(), "G alone states");
                assertClose(concat(new float[768], p.gPooled()), entry.pooled(), "G alone pooled");
            }
            // T5 alone: its states are the whole conditioning, the pooled vector SD3's 2048 zeros.
            try (TextEncoder clip = single("tiny-t5/model.safetensors")) {
                Conditioning.Entry entry = clip.encode(PROMPT, owner).entries().get(0);
                assertClose(p.t5(), entry.embeddings(), "T5 alone");
                assertClose(new float[2048], entry.pooled(), "T5 alone pooled");
            }
        }
    }

    @Test
    void emptyPaddingNoneGivesAnEncoderWithAnEmptyPromptNoTokens() throws Exception {
        try (NDManager owner = tensors.newManager("out");
                TextEncoder clip = triple("tiny-clip-l.safetensors", "tiny-clip-g.safetensors",
                        "tiny-t5/model.safetensors")) {
            CLIPTextEncodeSD3Node node = new CLIPTextEncodeSD3Node(tensors);
            MapInputs inputs = new MapInputs().with("clip", clip).with("clip_l", "").with("clip_g", "a red cup")
                    .with("t5xxl", "").with("empty_padding", "none");
            Conditioning none = (Conditioning) node.execute(inputs, context).values().get(0);
            // No T5 tokens; CLIP-L still encodes an empty window (ComfyUI pads it to CLIP-G's windows).
            assertEquals(new Shape(1, 77, 32), none.entries().get(0).embeddings().getShape());
            Conditioning padded = (Conditioning) node.execute(inputs.with("empty_padding", "empty_prompt"), context)
                    .values().get(0);
            assertEquals(new Shape(1, 154, 32), padded.entries().get(0).embeddings().getShape());
            float[] a = none.entries().get(0).embeddings().toFloatArray();
            float[] b = padded.entries().get(0).embeddings().toFloatArray();
            assertTrue(Arrays.equals(a, Arrays.copyOf(b, a.length)), "the CLIP part is the same either way");
            // Every prompt empty and no padding: no encoder contributes; 77 zero tokens and a zero pooled vector.
            Conditioning nothing = (Conditioning) node.execute(inputs.with("clip_g", "").with("empty_padding", "none"),
                    context).values().get(0);
            assertEquals(new Shape(1, 77, 32), nothing.entries().get(0).embeddings().getShape());
            assertEquals(0f, nothing.entries().get(0).embeddings().abs().sum().getFloat());
            assertEquals(0f, nothing.entries().get(0).pooled().abs().sum().getFloat());
            none.close();
            padded.close();
            nothing.close();
        }
    }

    @Test
    void encodersThatDoNotFitTogetherAreRefusedNamingTheFiles() throws Exception {
        // The SD1.5 CLIP is 32 wide: CLIP-L 32 + CLIP-G 16 do not fit T5's 32.
        NodeException e = assertThrows(NodeException.class, () -> triple("wide-clip-l.safetensors",
                "tiny-clip-g.safetensors", "tiny-t5/model.safetensors"));
        assertEquals("clip_name3", e.inputName());
        assertTrue(e.getMessage().contains("tiny-t5/model.safetensors: T5 width 32 is narrower than the CLIP states")
                && e.getMessage().contains("wide-clip-l.safetensors, 32") && e.getMessage().contains(
                "tiny-clip-g.safetensors, 16"), e.getMessage());

        e = assertThrows(NodeException.class, () -> triple("tiny-t5/model.safetensors", "tiny-clip-l.safetensors",
                "tiny-t5/model.safetensors"));
        assertEquals("clip_name3", e.inputName());
        assertTrue(e.getMessage().contains("a second T5 encoder"), e.getMessage());

        e = assertThrows(NodeException.class, () -> triple("tiny-clip-l.safetensors", "tiny-clip-g.safetensors",
                "wide-clip-l.safetensors"));
        assertEquals("clip_name3", e.inputName());
        assertTrue(e.getMessage().contains("a third CLIP"), e.getMessage());

        // CLIPTextEncodeSD3 on another family's CLIP names the input and the loaders to use.
        try (TextEncoder flux = (TextEncoder) new DualCLIPLoaderNode(folders, tensors).execute(new MapInputs()
                .with("clip_name1", "tiny-t5/model.safetensors").with("clip_name2", "wide-clip-l.safetensors")
                .with("type", "flux"), context).values().get(0)) {
            e = assertThrows(NodeException.class, () -> new CLIPTextEncodeSD3Node(tensors).execute(new MapInputs()
                    .with("clip", flux).with("clip_l", "x").with("clip_g", "x").with("t5xxl", "x")
                    .with("empty_padding", "none"), context));
            assertEquals("clip", e.inputName());
            assertTrue(e.getMessage().contains("TripleCLIPLoader"), e.getMessage());
        }
    }
    /** {@link TinySd3Checkpoint}'s file in models/checkpoints, with the T5 tokenizer in models/tokenizers/t5xxl. */
    private Path sd3Checkpoint(String name, boolean widePooled) throws Exception {
        Path file;
        try (NDManager m = tensors.newManager("write")) {
            file = TinySd3Checkpoint.write(Path.of("../.."), folders.models().resolve("checkpoints"), name, widePooled,
                    m);
        }
        Path t5Tokenizer = Files.createDirectories(folders.models().resolve("tokenizers/t5xxl"));
        Files.copy(Path.of("src/test/resources/t5-tokenizer/tokenizer.json"), t5Tokenizer.resolve("tokenizer.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** Rewrites the sample's files: {@code -Dtest=Sd3TextEncodersTest#writeSampleCheckpoint -Dtessera.writeSamples=true}. */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "tessera.writeSamples", matches = "true")
    void writeSampleCheckpoint() throws Exception {
        TinySd3Checkpoint.main(new String[] {Path.of("../..").toAbsolutePath().normalize().toString()});
    }

    @Test
    void theSampleCheckpointIsWhatTheGeneratorWrites() throws Exception {
        Path samples = Path.of("../../sample-workflows/models/checkpoints");
        try (NDManager m = tensors.newManager("write")) {
            TinySd3Checkpoint.write(Path.of("../.."), root.resolve("regenerated"), "tiny-sd3", false, m);
        }
        for (String file : new String[] {"tiny-sd3.safetensors", "tiny-sd3.arch.json"}) {
            assertEquals(-1L, Files.mismatch(samples.resolve(file), root.resolve("regenerated").resolve(file)),
                    file + " differs from what TinySd3Checkpoint writes");
        }
    }

    private dev.tessera.graph.api.NodeResult loadCheckpoint(String name) {
        dev.tessera.sd.nodes.internal.CheckpointCache cache = new dev.tessera.sd.nodes.internal.CheckpointCache(
                tensors);
        return new dev.tessera.sd.nodes.internal.nodes.CheckpointLoaderSimpleNode(folders, cache,
                java.util.List.of(new Sd3CheckpointLoader(tensors, checkpoints))).execute(new MapInputs().with("ckpt_name", name),
                context);
    }

    @Test
    void checkpointLoaderSimpleOpensAnSd3FileWithItsTextEncodersAndVae() throws Exception {
        sd3Checkpoint("tiny-sd3-incl-clips", false);
        var values = loadCheckpoint("tiny-sd3-incl-clips.safetensors").values();
        try (dev.tessera.model.api.DiffusionModel model = (dev.tessera.model.api.DiffusionModel) values.get(0);
                TextEncoder clip = (TextEncoder) values.get(1);
                dev.tessera.model.api.Vae vae = (dev.tessera.model.api.Vae) values.get(2);
                NDManager ref = tensors.newManager("ref"); NDManager run = tensors.newManager("run")) {
            assertTrue(model instanceof Sd3DiffusionModel, model.toString());
            assertEquals("sd3", clip.family());
            // The VAE inside takes SD3's factors (its weights alone would not tell them).
            assertEquals("sd3", vae.latentFormat().family());
            assertEquals(1.5305, vae.latentFormat().scalingFactor(), 1e-9);
            assertEquals(0.0609, vae.latentFormat().shiftFactor(), 1e-9);

            // Configured from the shapes and the architecture file (eos id 1): pooled at the end token.
            Parts p = reference(ref);
            Conditioning cond = clip.encode(PROMPT, run);
            Conditioning.Entry entry = cond.entries().get(0);
            assertClose(states(p, true, 16, true, 32), entry.embeddings(), "checkpoint states");
            assertClose(concat(p.lPooled(), p.gPooled()), entry.pooled(), "checkpoint pooled");

            // The conditioning carries what the MMDiT of the same file takes: a prediction of the latent's shape.
            try (dev.tessera.model.api.BoundDenoiser denoiser = model.guided(cond, cond, 2.0, run)) {
                NDArray latent = run.randomNormal(new Shape(1, 4, 8, 8));
                NDArray v = denoiser.predict(latent, new dev.tessera.sampling.ModelStep(0, 1, 500, 0.5));
                assertEquals(latent.getShape(), v.getShape());
                assertTrue(Float.isFinite(v.abs().sum().getFloat()));
            }
            NDArray image = vae.decode(run.randomNormal(new Shape(1, 4, 8, 8)), run);
            assertEquals(new Shape(1, 64, 64, 3), image.getShape());
        }
    }

    @Test
    void aCheckpointWhoseEncodersDoNotFitItsMmditIsRefusedNamingTheFile() throws Exception {
        Path file = sd3Checkpoint("tiny-sd3-mismatched", true);
        NodeException e = assertThrows(NodeException.class, () -> loadCheckpoint("tiny-sd3-mismatched.safetensors"));
        assertEquals("ckpt_name", e.inputName());
        assertTrue(e.getMessage().contains(file + ": its text encoders give states 32 wide and a pooled vector of 32")
                && e.getMessage().contains("its MMDiT takes 32 and 64"), e.getMessage());
        // The plain SD3 file (no text encoders) still says which loaders to use.
        Files.copy(pack.resolve("sd3/single-file/tiny-sd3.safetensors"),
                folders.models().resolve("checkpoints/tiny-sd3.safetensors"));
        e = assertThrows(NodeException.class, () -> loadCheckpoint("tiny-sd3.safetensors"));
        assertTrue(e.getMessage().contains("TripleCLIPLoader"), e.getMessage());
    }
}
