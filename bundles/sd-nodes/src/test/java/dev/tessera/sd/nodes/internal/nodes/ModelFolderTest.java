package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import dev.tessera.diffusion.nodes.internal.nodes.CLIPTextEncodeNode;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.model.api.Vae;
import dev.tessera.sd.nodes.internal.Fixtures;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import dev.tessera.tokenizers.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user puts in the models folder reaches the nodes: the CLIP tokenizer as {@code vocab.json} +
 * {@code merges.txt} in {@code tokenizers/clip_l/}, prompts longer than one window with weights, and the loader that
 * takes an architecture file from {@code configs/}.
 */
class ModelFolderTest {

    @TempDir
    Path home;

    /** The loader's three outputs, closed together. */
    private record Loaded(DiffusionModel model, TextEncoder clip, Vae vae) implements AutoCloseable {
        static Loaded of(NodeResult result) {
            return new Loaded((DiffusionModel) result.value(0), (TextEncoder) result.value(1), (Vae) result.value(2));
        }

        @Override
        public void close() {
            model.close();
            clip.close();
            vae.close();
        }
    }

    private static Loaded loadSimple(Graph graph, String name) {
        return Loaded.of(new CheckpointLoaderSimpleNode(graph.host.folders(), graph.cache).execute(
                new MapInputs().with("ckpt_name", name), new RecordingContext(new RunScope())));
    }

    private static float[] encode(Graph graph, TextEncoder clip, String text) {
        NodeResult r = new CLIPTextEncodeNode(graph.runtime).execute(new MapInputs().with("clip", clip)
                .with("text", text), new RecordingContext(new RunScope()));
        try (Conditioning c = (Conditioning) r.value(0)) {
            Shape shape = c.entries().get(0).embeddings().getShape();
            assertEquals(1, shape.get(0));
            assertEquals(0, shape.get(1) % 77, "whole windows of 77: " + shape);
            return c.entries().get(0).embeddings().toFloatArray();
        }
    }

    @Test
    void vocabAndMergesInTokenizersClipLEncodeAsTheCheckpointsOwnTokenizerJson() throws Exception {
        Path withJson = ConformancePack.tinySd15Models(home.resolve("a"));
        Path withVocab = ConformancePack.tinySd15Models(home.resolve("b"));
        Path own = withVocab.resolve("checkpoints/tiny-sd15.tokenizer");
        Fixtures.writeVocabAndMerges(own.resolve("tokenizer.json"), withVocab.resolve("tokenizers/clip_l"));
        Files.delete(own.resolve("tokenizer.json"));
        Files.delete(own);
        String prompt = "a (red:1.2) apple on the left of a blue cup";
        try (Graph a = new Graph(home.resolve("a"), withJson); Graph b = new Graph(home.resolve("b"), withVocab);
                Loaded fromJson = loadSimple(a, "tiny-sd15.safetensors");
                Loaded fromVocab = loadSimple(b, "tiny-sd15.safetensors")) {
            float[] expected = encode(a, fromJson.clip(), prompt);
            assertArrayEquals(expected, encode(b, fromVocab.clip(), prompt), 1e-6f,
                    "vocab.json + merges.txt from models/tokenizers/clip_l give the same conditioning");
        }
    }

    @Test
    void aLongPromptFillsSeveralWindowsAndAWeightInTheSecondWindowReachesItsRowsOnly() {
        Path models = ConformancePack.tinySd15Models(home);
        // ~100 tokens of the tiny tokenizer, then the word the test weighs, well inside the second window.
        String sentence = "a red apple on the left of a blue cup, ";
        String body = sentence;
        while (tokens(models, body) < 90) {
            body += sentence;
        }
        assertTrue(tokens(models, body) < 140, "the weighted word stays inside the second window");
        try (Graph graph = new Graph(home, models); Loaded loaded = loadSimple(graph, "tiny-sd15.safetensors")) {
            float[] plain = encode(graph, loaded.clip(), body + "green pear");
            float[] weighted = encode(graph, loaded.clip(), body + "(green:1.3) pear");
            float[] empty = encode(graph, loaded.clip(), "");
            int dim = empty.length / 77;
            int windows = plain.length / (77 * dim);
            assertTrue(windows >= 2, "the prompt spans " + windows + " windows");
            assertEquals(plain.length, weighted.length, "the parentheses add no token");

            List<Integer> changed = new ArrayList<>();
            for (int row = 0; row < windows * 77; row++) {
                boolean differs = false;
                for (int k = 0; k < dim; k++) {
                    differs |= Math.abs(plain[row * dim + k] - weighted[row * dim + k]) > 1e-5f;
                }
                if (differs) {
                    changed.add(row);
                }
            }
            assertTrue(!changed.isEmpty(), "the weight changes the conditioning");
            for (int row : changed) {
                assertTrue(row >= 77, "only rows of the second window change, not row " + row);
                int position = row % 77;
                // ComfyUI: z = (z - z_empty) * w + z_empty, z_empty the empty prompt's state at the same position.
                for (int k = 0; k < dim; k++) {
                    float z = plain[row * dim + k];
                    float e = empty[position * dim + k];
                    assertEquals((z - e) * 1.3f + e, weighted[row * dim + k], 1e-4f,
                            "row " + row + " channel " + k);
                }
            }
            int greenTokens = tokens(models, "green");
            assertEquals(greenTokens, changed.size(), "exactly the tokens of 'green' are weighted: " + changed);
        }
    }

    /** How many tokens {@code word} becomes, by the tokenizer file itself (no start or end token). */
    private static int tokens(Path models, String word) {
        try (TextTokenizer t = TextTokenizer.fromTokenizerJson(
                models.resolve("checkpoints/tiny-sd15.tokenizer/tokenizer.json"))) {
            return t.encode(word, false).ids().length;
        }
    }

    @Test
    void theArchitectureLoaderTakesItsFileFromConfigsAndAWrongOneNamesTheParameterAndShapes() throws Exception {
        Path models = ConformancePack.tinySd15Models(home);
        Path arch = models.resolve("checkpoints/tiny-sd15.arch.json");
        ConformancePack.copy(arch, models.resolve("configs/tiny.arch.json"));
        String wrong = Files.readString(arch).replace("\"model_channels\": 16", "\"model_channels\": 32");
        Files.createDirectories(models.resolve("configs"));
        Files.writeString(models.resolve("configs/wrong.arch.json"), wrong);
        Files.delete(arch);
        try (Graph graph = new Graph(home, models)) {
            // Without its architecture file the standard SD1.x norm groups (32) do not divide the tiny 16 channels.
            NodeException simple = assertThrows(NodeException.class, () -> loadSimple(graph, "tiny-sd15.safetensors"));
            assertEquals("ckpt_name", simple.inputName());
            assertTrue(simple.getMessage().contains("tiny-sd15.safetensors"), simple.getMessage());

            CheckpointLoaderWithArchNode node = new CheckpointLoaderWithArchNode(graph.host.folders(), graph.cache);
            try (Loaded loaded = Loaded.of(node.execute(new MapInputs().with("arch_name", "tiny.arch.json")
                    .with("ckpt_name", "tiny-sd15.safetensors"), new RecordingContext(new RunScope())))) {
                assertEquals(77 * 32, encode(graph, loaded.clip(), "apple").length, "a 32-wide text encoder");
            }
            NodeException e = assertThrows(NodeException.class, () -> node.execute(new MapInputs()
                    .with("arch_name", "wrong.arch.json").with("ckpt_name", "tiny-sd15.safetensors"),
                    new RecordingContext(new RunScope())));
            assertEquals("ckpt_name", e.inputName());
            assertTrue(e.getMessage().contains("tiny-sd15.safetensors") && e.getMessage().contains("has shape")
                    && e.getMessage().contains("expected"), e.getMessage());
            NodeException missing = assertThrows(NodeException.class, () -> node.execute(new MapInputs()
                    .with("arch_name", "none.arch.json").with("ckpt_name", "tiny-sd15.safetensors"),
                    new RecordingContext(new RunScope())));
            assertEquals("arch_name", missing.inputName());
        }
    }
}
