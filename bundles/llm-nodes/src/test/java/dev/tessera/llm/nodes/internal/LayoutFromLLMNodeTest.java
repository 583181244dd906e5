package dev.tessera.llm.nodes.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.layout.Coordinates;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.layout.PaperFormat;
import dev.tessera.llm.nodes.internal.nodes.LLMLoaderNode;
import dev.tessera.llm.nodes.internal.nodes.LayoutFromLLMNode;
import dev.tessera.llm.nodes.tools.TinyLlamaGenerator;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LLMLoader and LayoutFromLLM on the stand-in tiny LLaMA of the samples (random weights, real BPE tokenizer). */
class LayoutFromLLMNodeTest {

    static final Path SAMPLE = ConformancePack.dir().getParent().getParent()
            .resolve("sample-workflows/models/llm/tiny-llama");

    private static CpuRuntime runtime;
    private static LlmModels models;
    private static LLMLoaderNode loader;
    private static LayoutFromLLMNode node;

    @BeforeAll
    static void start() {
        runtime = new CpuRuntime();
        models = new LlmModels(runtime);
        Path samples = SAMPLE.getParent().getParent().getParent();
        loader = new LLMLoaderNode(new DirFolders(samples, samples.resolve("models")), models);
        node = new LayoutFromLLMNode(runtime);
    }

    @AfterAll
    static void stop() {
        models.deactivate();
        runtime.close();
    }

    static MapInputs inputs(LlmHandle llm, String prompt, long seed, double temperature) {
        return new MapInputs().with("llm", llm).with("prompt", prompt)
                .with("template", LayoutFromLLMNode.DEFAULT_TEMPLATE)
                .with("max_instances", 3L).with("seed", seed).with("temperature", temperature)
                .with("max_new_tokens", 400L).with("width", 768L).with("height", 512L);
    }

    @Test
    void theCheckedInSampleIsWhatTheGeneratorWrites(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        TinyLlamaGenerator.write(ConformancePack.dir(), dir);
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve(file)), Files.readAllBytes(SAMPLE.resolve(file)), file);
        }
        assertTrue(Files.size(SAMPLE.resolve("model.safetensors")) < 300_000);
    }

    @Test
    void aPromptBecomesAValidLayoutWhateverTheModelKnows() throws Exception {
        RunScope scope = new RunScope();
        try (LlmHandle llm = (LlmHandle) loader.execute(new MapInputs().with("llm_name", "tiny-llama"),
                new RecordingContext(scope)).value(0)) {
            Set<String> texts = new HashSet<>();
            for (long seed = 0; seed < 4; seed++) {
                RecordingContext context = new RecordingContext(scope);
                NodeResult result = node.execute(inputs(llm, "a red apple left of a blue cup", seed, 0.9), context);
                Layout layout = (Layout) result.value(0);
                String text = (String) result.value(1);
                texts.add(text);
                assertEquals(List.of(text), result.ui().get("text"));
                assertTrue(layout.size() >= 1 && layout.size() <= 3, text);
                assertEquals("a red apple left of a blue cup", layout.caption());
                assertEquals(768, layout.width().getAsInt());
                assertEquals(PaperFormat.read(text, Coordinates.normalized()).instances(), layout.instances());
                for (Instance instance : layout.instances()) {
                    assertTrue(instance.box().x1() < instance.box().x2() && instance.box().y1() < instance.box().y2());
                }
                List<long[]> progress = context.progress();
                assertFalse(progress.isEmpty());
                assertEquals(400, progress.get(0)[1], "progress counts tokens out of max_new_tokens");
                // The same seed gives the same layout.
                assertEquals(text, node.execute(inputs(llm, "a red apple left of a blue cup", seed, 0.9),
                        new RecordingContext(scope)).value(1));
            }
            assertTrue(texts.size() > 1, "different seeds drew different layouts: " + texts);
            String greedy = (String) node.execute(inputs(llm, "two cats", 1, 0), new RecordingContext(scope)).value(1);
            assertEquals(greedy, node.execute(inputs(llm, "two cats", 2, 0), new RecordingContext(scope)).value(1),
                    "temperature 0 is greedy: the seed does not matter");
        } finally {
            scope.close();
        }
    }

    @Test
    void loadersOfOneFolderShareOneModel() throws Exception {
        RunScope scope = new RunScope();
        int before = models.loads();
        try (LlmHandle a = (LlmHandle) loader.execute(new MapInputs().with("llm_name", "tiny-llama"),
                new RecordingContext(scope)).value(0);
                LlmHandle b = (LlmHandle) loader.execute(new MapInputs().with("llm_name", "tiny-llama"),
                        new RecordingContext(scope)).value(0)) {
            assertSame(a.checkpoint(), b.checkpoint());
            assertTrue(models.loads() <= before + 1);
        } finally {
            scope.close();
        }
        assertNotEquals("", LlmModels.fingerprint(SAMPLE));
    }

    @Test
    void aPromptOverCLIPTextEncodesCharacterLimitIsRefusedAtValidationAndWhenLinked() {
        List<InputProblem> problems = node.validate(inputs(null, "x".repeat(20_001), 0, 0));
        assertEquals(1, problems.size());
        assertEquals("prompt", problems.get(0).input());
        assertEquals("the prompt has 20001 characters, more than the limit of 20000 (tessera.prompt.maxChars)",
                problems.get(0).message());
        assertEquals(List.of(), node.validate(inputs(null, "x".repeat(20_000), 0, 0)));
        // Linked values are checked again when the node runs, before the model is touched.
        NodeException linked = assertThrows(NodeException.class, () -> node.execute(
                inputs(null, "x".repeat(20_001), 0, 0), new RecordingContext(new RunScope())));
        assertEquals("prompt", linked.inputName());
    }

    @Test
    void anEmptyPromptOrATemplateWithoutItsSlotIsAnInputError() {
        MapInputs empty = new MapInputs().with("prompt", "  ").with("template", "no slot here");
        List<InputProblem> problems = node.validate(empty);
        assertEquals(List.of("prompt", "template"), problems.stream().map(InputProblem::input).toList());
        assertTrue(problems.get(1).message().contains("{prompt}"), problems.get(1).message());
        NodeException missing = assertThrows(NodeException.class, () -> loader.execute(
                new MapInputs().with("llm_name", "no-such-model"), new RecordingContext(new RunScope())));
        assertTrue(missing.getMessage().contains("no-such-model"), missing.getMessage());
    }
}
