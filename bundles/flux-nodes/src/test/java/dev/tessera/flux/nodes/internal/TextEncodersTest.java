package dev.tessera.flux.nodes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.flux.nodes.internal.nodes.CLIPTextEncodeFluxNode;
import dev.tessera.flux.nodes.internal.nodes.DualCLIPLoaderNode;
import dev.tessera.flux.nodes.internal.nodes.UNETLoaderNode;
import dev.tessera.graph.api.NodeException;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.models.t5.T5Tokenizer;
import dev.tessera.models.t5.loading.T5EncoderCheckpoint;
import dev.tessera.sampling.ModelStep;
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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DualCLIPLoader on the pack's tiny T5 (transformers folder) and the pack's tiny SD1.5 CLIP text encoder standing in
 * for CLIP-L (both 32 wide, what the tiny FLUX takes), CLIPTextEncode and CLIPTextEncodeFlux on it. Expected values
 * come from the encoders loaded by their own bundles' loaders (T5EncoderCheckpoint on the folder, CLIP through
 * StableDiffusionCheckpoint's diffusers path), fed ids computed here from the tokenizers' rules.
 */
class TextEncodersTest {

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
        // The older clip folder holds CLIP-L, as in many ComfyUI installs.
        Path clipFolder = Files.createDirectories(folders.models().resolve("clip"));
        Files.copy(pack.resolve("sd15/diffusers/text_encoder/model.safetensors"),
                clipFolder.resolve("tiny-clip-l.safetensors"));
        Files.writeString(clipFolder.resolve("tiny-clip-l.config.json"), clipConfig());
        Files.createDirectories(clipFolder.resolve("tiny-clip-l.tokenizer"));
        Files.copy(pack.resolve("tokenizers/clip-style/tokenizer.json"),
                clipFolder.resolve("tiny-clip-l.tokenizer/tokenizer.json"));
        ConformancePack.diffusionModel(folders.models(), "flux/single-file", "tiny-flux");
    }

    /** The pack's config with the end token of the clip-style tokenizer (id 1) as eos: pooling at its first place. */
    private String clipConfig() throws Exception {
        return Files.readString(pack.resolve("sd15/diffusers/text_encoder/config.json"))
                .replace("\"eos_token_id\": 999", "\"eos_token_id\": 1");
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        checkpoints.close();
        tensors.close();
    }

    private TextEncoder load(String first, String second) {
        return (TextEncoder) new DualCLIPLoaderNode(folders, tensors).execute(new MapInputs()
                .with("clip_name1", first).with("clip_name2", second).with("type", "flux"), context).values().get(0);
    }

    @Test
    void encodesT5StatesAndClipPooledAsTheEncodersThemselvesDo() throws Exception {
        String prompt = "a red apple on the left";
        try (TextEncoder clip = load("tiny-t5/model.safetensors", "tiny-clip-l.safetensors");
                NDManager owner = tensors.newManager("out"); NDManager ref = tensors.newManager("ref")) {
            assertEquals("flux", clip.family());
            Conditioning cond = clip.encode(prompt, owner);
            Conditioning.Entry entry = cond.entries().get(0);
            assertEquals(new Shape(1, 512, 32), entry.embeddings().getShape());
            assertEquals(new Shape(1, 32), entry.pooled().getShape());

            // T5: the hand-written Unigram vocabulary gives ▁a ▁red ▁apple ▁on ▁the ▁left = 3 4 5 7 8 9, then </s>
            // (1), then <pad> (0) up to 512; no attention mask.
            long[] ids = new long[512];
            long[] content = {3, 4, 5, 7, 8, 9, 1};
            System.arraycopy(content, 0, ids, 0, content.length);
            try (T5EncoderCheckpoint t5 = T5EncoderCheckpoint.open(pack.resolve("t5/encoder"),
                    tensors.base().getDevice(), DataType.FLOAT32, ref)) {
                NDArray expected = t5.model().forward(ref.create(ids, new Shape(1, 512)));
                assertEquals(0.0, maxAbs(entry.embeddings(), expected), 1e-6);
            }
            // CLIP: <start> prompt <end> padded with <end> to 77; pooled at the first <end>.
            long[] clipIds;
            try (TextTokenizer tokenizer = TextTokenizer.fromFolder(
                    folders.models().resolve("clip/tiny-clip-l.tokenizer"))) {
                long[] body = tokenizer.encode(prompt, false).ids();
                clipIds = new long[77];
                Arrays.fill(clipIds, 1);
                clipIds[0] = 0;
                System.arraycopy(body, 0, clipIds, 1, body.length);
                assertTrue(body.length > 3, "the clip-style tokenizer splits the prompt into tokens");
            }
            try (StableDiffusionCheckpoint sd = StableDiffusionCheckpoint.openDiffusers(pack.resolve("sd15/diffusers"),
                    tensors.base().getDevice(), DataType.FLOAT32, ref)) {
                NDArray last = sd.textEncoder().forward(ref.create(clipIds, new Shape(1, 77))).lastHiddenState();
                int end = 0;
                while (clipIds[end] != 1) {
                    end++;
                }
                NDArray expected = last.get(new NDIndex(":, {}, :", end));
                assertEquals(0.0, maxAbs(entry.pooled(), expected), 1e-5);
            }
            cond.close();
        }
    }

    @Test
    void eitherOrderAndCLIPTextEncodeFluxSetsGuidanceAndConditionsTheTinyFlux() {
        try (TextEncoder a = load("tiny-t5/model.safetensors", "tiny-clip-l.safetensors");
                TextEncoder b = load("tiny-clip-l.safetensors", "tiny-t5/model.safetensors");
                NDManager owner = tensors.newManager("out")) {
            Conditioning x = a.encode("a red cup", owner);
            Conditioning y = b.encode("a red cup", owner);
            assertEquals(0.0, maxAbs(x.entries().get(0).embeddings(), y.entries().get(0).embeddings()));
            assertEquals(0.0, maxAbs(x.entries().get(0).pooled(), y.entries().get(0).pooled()));

            Conditioning split = (Conditioning) new CLIPTextEncodeFluxNode(tensors).execute(new MapInputs()
                    .with("clip", a).with("clip_l", "a red cup").with("t5xxl", "a blue apple")
                    .with("guidance", 2.5), context).values().get(0);
            Conditioning.Entry entry = split.entries().get(0);
            assertEquals(2.5, ((Number) entry.extras().get(FluxDiffusionModel.GUIDANCE)).doubleValue());
            // CLIP-L prompt gives the pooled vector, the T5 prompt the states.
            assertEquals(0.0, maxAbs(entry.pooled(), x.entries().get(0).pooled()));
            assertTrue(maxAbs(entry.embeddings(), x.entries().get(0).embeddings()) > 1e-4);

            try (DiffusionModel model = (DiffusionModel) new UNETLoaderNode(folders, tensors, checkpoints).execute(new MapInputs()
                    .with("unet_name", "tiny-flux.safetensors").with("weight_dtype", "default"), context)
                    .values().get(0); NDManager run = tensors.newManager("run");
                    BoundDenoiser d = model.guided(split, null, 1.0, run)) {
                NDArray latent = run.randomNormal(new Shape(1, 4, 8, 8));
                NDArray v = d.predict(latent, new ModelStep(0, 1, 500, 0.5));
                assertEquals(latent.getShape(), v.getShape());
                assertTrue(Float.isFinite(v.abs().sum().getFloat()));
            }
            split.close();
        }
    }

    @Test
    void promptsOverTheCharacterLimitAreRefusedByInputAtValidationAndBeforeTokenizing() {
        CLIPTextEncodeFluxNode node = new CLIPTextEncodeFluxNode(tensors);
        String over = "a red cup ".repeat(2_001);
        var problems = node.validate(new MapInputs().with("clip_l", "a cup").with("t5xxl", over));
        assertEquals(1, problems.size());
        assertEquals("t5xxl", problems.get(0).input());
        assertEquals("the prompt has 20010 characters, more than the limit of 20000 (tessera.prompt.maxChars)",
                problems.get(0).message());
        assertEquals(List.of("clip_l"), node.validate(new MapInputs().with("clip_l", over).with("t5xxl", "a cup"))
                .stream().map(p -> p.input()).toList());
        assertEquals(List.of(), node.validate(new MapInputs().with("clip_l", "a cup").with("t5xxl", "x".repeat(20_000))));
        // From a link the text is only known at run time: the same refusal, by input, and a 10 MB T5 prompt is
        // never tokenized (the T5 tokenizer would read all of it to keep 511 tokens).
        String huge = "x".repeat(10 << 20);
        try (TextEncoder clip = load("tiny-t5/model.safetensors", "tiny-clip-l.safetensors");
                NDManager owner = tensors.newManager("out")) {
            for (String input : List.of("clip_l", "t5xxl")) {
                long start = System.nanoTime();
                NodeException e = assertThrows(NodeException.class, () -> node.execute(new MapInputs().with("clip", clip)
                        .with("clip_l", input.equals("clip_l") ? huge : "a cup")
                        .with("t5xxl", input.equals("t5xxl") ? huge : "a cup").with("guidance", 3.5), context));
                assertEquals(input, e.inputName());
                assertTrue(e.getMessage().contains("more than the limit of 20000 (tessera.prompt.maxChars)"), e.getMessage());
                assertTrue(System.nanoTime() - start < 2_000_000_000L, "refused at once");
            }
            var ex = assertThrows(dev.tessera.tokenizers.PromptTooLongException.class,
                    () -> ((FluxTextEncoder) clip).encode("a cup", huge, owner));
            assertTrue(ex.getMessage().contains("(tessera.prompt.maxChars)"), ex.getMessage());
        }
    }

    @Test
    void badFilesAreNamedByInput() throws Exception {
        Files.copy(pack.resolve("flux/single-file/tiny-flux.safetensors"),
                folders.models().resolve("text_encoders/not-an-encoder.safetensors"));
        NodeException e = assertThrows(NodeException.class, () -> load("tiny-t5/model.safetensors",
                "not-an-encoder.safetensors"));
        assertTrue("clip_name2".equals(e.inputName()) && e.getMessage().contains("neither a T5"), e.getMessage());

        Files.createDirectories(folders.models().resolve("text_encoders/t5b"));
        Files.copy(pack.resolve("t5/encoder/model.safetensors"),
                folders.models().resolve("text_encoders/t5b/model.safetensors"));
        e = assertThrows(NodeException.class, () -> load("tiny-t5/model.safetensors", "t5b/model.safetensors"));
        assertTrue(e.getMessage().contains("both files are T5"), e.getMessage());

        // t5b has no config.json beside it: a single file, whose tokenizer is nowhere.
        e = assertThrows(NodeException.class, () -> load("t5b/model.safetensors", "tiny-clip-l.safetensors"));
        assertTrue("clip_name1".equals(e.inputName()) && e.getMessage().contains("no T5 tokenizer"),
                e.getMessage());

        Files.delete(folders.models().resolve("clip/tiny-clip-l.tokenizer/tokenizer.json"));
        e = assertThrows(NodeException.class, () -> load("tiny-t5/model.safetensors", "tiny-clip-l.safetensors"));
        assertTrue("clip_name2".equals(e.inputName()) && e.getMessage().contains("CLIP tokenizer"),
                e.getMessage());

        e = assertThrows(NodeException.class, () -> new DualCLIPLoaderNode(folders, tensors).execute(new MapInputs()
                .with("clip_name1", "tiny-t5/model.safetensors").with("clip_name2", "tiny-clip-l.safetensors")
                .with("type", "sdxl"), context));
        assertEquals("type", e.inputName());
    }

    @Test
    void clipTextEncodeFluxRefusesAnotherCLIP() {
        TextEncoder other = new TextEncoder() {
            public String family() { return "sd1"; }
            public int layerCount() { return 1; }
            public int lastLayer() { return -1; }
            public TextEncoder withLastLayer(int layer) { return this; }
            public java.util.List<dev.tessera.model.api.ModelPatch> patches() { return java.util.List.of(); }
            public TextEncoder withPatch(dev.tessera.model.api.ModelPatch patch) { return this; }
            public Conditioning encode(String text, NDManager owner) { throw new AssertionError(); }
            public void close() { }
        };
        NodeException e = assertThrows(NodeException.class, () -> new CLIPTextEncodeFluxNode(tensors).execute(
                new MapInputs().with("clip", other).with("clip_l", "x").with("t5xxl", "x").with("guidance", 3.5),
                context));
        assertTrue(e.getMessage().contains("DualCLIPLoader"), e.getMessage());
    }

    private static double maxAbs(NDArray a, NDArray b) {
        return a.toType(DataType.FLOAT32, false).sub(b.toType(DataType.FLOAT32, false)).abs().max().getFloat();
    }
}
