package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.Widget;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.ImageDecoder;
import dev.tessera.sd.nodes.internal.Fixtures;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ComfyUI's DiffusersLoader over the pack's diffusers folder, with its own {@code tokenizer/} as vocab.json +
 * merges.txt: listed, loaded, and the same image as the single-file layout of the same weights.
 */
class DiffusersLoaderTest {

    @TempDir
    Path home;
    private Path models;
    private Graph graph;

    @BeforeEach
    void setUp() {
        models = ConformancePack.tinySd15Models(home);
        Fixtures.tinyDiffusers(models, "tiny-sd15");
        graph = new Graph(home, models);
    }

    @AfterEach
    void tearDown() {
        graph.close();
    }

    @Test
    void itIsComfyUisNodeAndListsFoldersWithAModelIndexAsTheyComeAndGo() throws Exception {
        NodeDescriptor d = graph.engine().nodeType("DiffusersLoader").orElseThrow();
        assertEquals("advanced/loaders/deprecated", d.category());
        assertEquals("model_path:COMBO -> MODEL:MODEL, CLIP:CLIP, VAE:VAE",
                d.inputs().stream().map(i -> i.name() + ":" + i.type().name()).collect(Collectors.joining(", "))
                        + " -> " + d.outputs().stream().map(o -> o.name() + ":" + o.type().name())
                        .collect(Collectors.joining(", ")));
        Widget.ComboWidget combo = (Widget.ComboWidget) d.input("model_path").orElseThrow().widget();
        assertEquals(List.of("tiny-sd15"), combo.currentOptions());
        ConformancePack.copy(models.resolve("diffusers/tiny-sd15/unet/config.json"),
                models.resolve("diffusers/not-a-pipeline/unet/config.json"));
        assertEquals(List.of("tiny-sd15"), combo.currentOptions(), "no model_index.json: not listed");
        ConformancePack.copy(models.resolve("diffusers/tiny-sd15/model_index.json"),
                models.resolve("diffusers/sub/other/model_index.json"));
        assertEquals(List.of("sub/other", "tiny-sd15"), combo.currentOptions());
        Files.delete(models.resolve("diffusers/sub/other/model_index.json"));
        assertEquals(List.of("tiny-sd15"), combo.currentOptions());
    }

    @Test
    void theDiffusersFolderMakesTheSameImageAsTheSingleFileOfTheSameWeights() throws Exception {
        String workflow = Graph.read(ConformancePack.sampleWorkflows().resolve("sd15-txt2img.json"));
        RunResult single = graph.run(workflow);
        assertEquals(RunResult.Status.SUCCESS, single.status(), String.valueOf(single.error()));
        String diffusers = workflow.replace("\"class_type\": \"CheckpointLoaderSimple\",\n    \"inputs\":"
                + " {\"ckpt_name\": \"tiny-sd15.safetensors\"}", "\"class_type\": \"DiffusersLoader\",\n"
                + "    \"inputs\": {\"model_path\": \"tiny-sd15\"}");
        assertTrue(diffusers.contains("DiffusersLoader"), "the loader was replaced");
        RunResult folder = graph.run(diffusers);
        assertEquals(RunResult.Status.SUCCESS, folder.status(), String.valueOf(folder.error()));
        assertEquals(2, graph.cache.loads(), "two layouts, two loads");

        DecodedImage a = saved(single);
        DecodedImage b = saved(folder);
        assertEquals(64, b.width());
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                assertEquals(a.pixel(x, y), b.pixel(x, y), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void aFolderThatIsNotAPipelineAndAMissingTokenizerAreNamed() throws Exception {
        DiffusersLoaderNode node = new DiffusersLoaderNode(graph.host.folders(), graph.cache);
        NodeException none = assertThrows(NodeException.class, () -> node.execute(
                new MapInputs().with("model_path", "nope"), new RecordingContext(new RunScope())));
        assertEquals("model_path", none.inputName());
        assertTrue(none.getMessage().contains("'nope' is not a diffusers folder"), none.getMessage());

        Path tokenizer = models.resolve("diffusers/tiny-sd15/tokenizer");
        Files.delete(tokenizer.resolve("vocab.json"));
        Files.delete(tokenizer.resolve("merges.txt"));
        NodeException missing = assertThrows(NodeException.class, () -> node.execute(
                new MapInputs().with("model_path", "tiny-sd15"), new RecordingContext(new RunScope())));
        assertEquals("model_path", missing.inputName());
        assertTrue(missing.getMessage().contains("tiny-sd15/tokenizer")
                && missing.getMessage().contains("tokenizers/clip_l (no such folder)"), missing.getMessage());
    }

    private DecodedImage saved(RunResult result) throws Exception {
        ImageRef ref = (ImageRef) result.outputs().get("7").get("images").get(0);
        return ImageDecoder.read(graph.host.folders().output().resolve(ref.subfolder()).resolve(ref.filename()));
    }
}
