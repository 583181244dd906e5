package dev.tessera.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.diffusion.nodes.internal.nodes.CLIPTextEncodeNode;
import dev.tessera.diffusion.nodes.internal.nodes.EmptyLatentImageNode;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEDecodeNode;
import dev.tessera.graph.engine.internal.TestEngine;
import dev.tessera.image.internal.nodes.PreviewImageNode;
import dev.tessera.layout.Layout;
import dev.tessera.layout.internal.nodes.LayoutFromJsonNode;
import dev.tessera.miglora.internal.nodes.MIGApplyNode;
import dev.tessera.miglora.internal.nodes.MIGEncodeNode;
import dev.tessera.miglora.internal.nodes.MIGLoRALoaderNode;
import dev.tessera.sd.nodes.internal.CheckpointCache;
import dev.tessera.sd.nodes.internal.nodes.CheckpointLoaderSimpleNode;
import dev.tessera.sd.nodes.internal.nodes.ConditioningCombineNode;
import dev.tessera.sd.nodes.internal.nodes.ConditioningSetAreaPercentageNode;
import dev.tessera.shapes.MigTarget;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.CpuRuntime;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark through the real engine with the product's nodes on the sample's tiny models (random weights: the
 * images are noise and score about 0; what is checked is the plumbing).
 */
class ShapesBenchmarkTest {

    @TempDir
    Path home;
    private CpuRuntime runtime;
    private CheckpointCache cache;
    private TestEngine host;

    @BeforeEach
    void setUp() {
        runtime = new CpuRuntime();
        cache = new CheckpointCache(runtime);
        host = new TestEngine(home, ConformancePack.sampleWorkflows().resolve("models"));
        host.register(new CheckpointLoaderSimpleNode(host.folders(), cache));
        host.register(new CLIPTextEncodeNode(runtime));
        host.register(new EmptyLatentImageNode(runtime));
        host.register(new KSamplerNode(runtime));
        host.register(new VAEDecodeNode(runtime));
        host.register(new ConditioningSetAreaPercentageNode(runtime));
        host.register(new ConditioningCombineNode(runtime));
        host.register(new PreviewImageNode(host.folders()));
        host.register(new LayoutFromJsonNode());
        host.register(new MIGLoRALoaderNode(host.folders(), runtime));
        host.register(new MIGEncodeNode(runtime));
        host.register(new MIGApplyNode());
    }

    @AfterEach
    void tearDown() {
        host.close();
        cache.close();
        runtime.close();
    }

    private static RenderSettings tiny(String checkpoint) {
        return new RenderSettings(checkpoint, "tiny-mask-encoder-released.safetensors", "tiny-sd15-peft.safetensors",
                2, 5.0, "dpmpp_2m", "karras", 64);
    }

    private static ShapesBenchmark.Options options(String methods, RenderSettings render) {
        return new ShapesBenchmark.Options(3, 1, List.of(2, 3), EvalMethod.parseList(methods), render);
    }

    private record Done(String method, int level, int done, int total) {
    }

    @Test
    void everyMethodRendersEveryLayoutAndTheResultsAreWritten() throws IOException {
        ShapesBenchmark.Options options = options("plain,area,miglora-avg,miglora-mask@beta=0.5",
                tiny("tiny-sd15.safetensors"));
        List<Done> seen = new ArrayList<>();
        ShapesBenchmark.Results results = new ShapesBenchmark(host.engine(), host.folders()).run(options,
                (method, level, done, total) -> seen.add(new Done(method.name(), level, done, total)), () -> false);

        assertTrue(results.complete());
        List<String> methods = List.of("plain", "area", "miglora-avg", "miglora-mask@beta=0.5");
        // Level by level, and each layout with every method before the next layout.
        List<Done> expected = new ArrayList<>();
        int done = 0;
        for (int level : List.of(2, 3)) {
            for (String m : methods) expected.add(new Done(m, level, ++done, 8));
        }
        assertEquals(expected, seen);
        assertEquals(methods, results.table().methods());
        for (String m : methods) {
            assertEquals(List.of(2, 3), List.copyOf(results.table().levels(m).keySet()));
            assertEquals(2, results.table().overall(m).images());
            assertEquals(5, results.table().overall(m).instances(), "2 + 3 instances");
            List<BufferedImage> images = results.images().get(m);
            assertEquals(2, images.size());
            assertEquals(64, images.get(0).getWidth());
            assertEquals(64, images.get(0).getHeight());
            assertEquals(List.of(ShapesBenchmark.layouts(options, 2).get(0), ShapesBenchmark.layouts(options, 3).get(0)),
                    results.layouts().get(m));
        }
        // Scored against the layout's own targets: the scenes drawn are the generator's, with 2 and 3 objects.
        Layout l3 = results.layouts().get("plain").get(1);
        assertEquals(3, MigTarget.of(l3, 64, 64).size());
        // The previews were read and removed from the temp folder.
        try (Stream<Path> left = Files.list(host.folders().temp())) {
            assertEquals(List.of(), left.toList());
        }

        Path out = home.resolve("eval");
        List<Path> written = ShapesBenchmark.write(results, out);
        assertEquals(5, written.size());
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject()
                .getAsJsonObject("methods");
        assertEquals(methods, List.copyOf(json.keySet()));
        for (String m : methods) {
            JsonObject levels = json.getAsJsonObject(m).getAsJsonObject("levels");
            assertEquals(List.of("2", "3"), List.copyOf(levels.keySet()));
            assertEquals(1, levels.getAsJsonObject("2").get("images").getAsInt());
            assertEquals(1, levels.getAsJsonObject("3").get("images").getAsInt());
            BufferedImage sheet = ImageIO.read(out.resolve(m + ".png").toFile());
            // One column, two rows of 64-pixel images at scale 2, 2 pixels apart.
            assertEquals(2 + 128 + 2, sheet.getWidth());
            assertEquals(2 + 128 + 2 + 128 + 2, sheet.getHeight());
        }
    }

    /** The same noise seed for every method: at beta 0 MIGApply guides no step, yet the LoRA still changes it. */
    @Test
    void methodsShareTheNoiseSeedAndDifferentMethodsGiveDifferentImages() {
        ShapesBenchmark.Options options = new ShapesBenchmark.Options(3, 1, List.of(2),
                EvalMethod.parseList("plain,area,miglora-avg@beta=0,miglora-avg@beta=0.00"), tiny("tiny-sd15.safetensors"));
        ShapesBenchmark.Results results = new ShapesBenchmark(host.engine(), host.folders()).run(options,
                (m, l, d, t) -> { }, () -> false);
        int[] plain = pixels(results.images().get("plain").get(0));
        int[] area = pixels(results.images().get("area").get(0));
        int[] beta0 = pixels(results.images().get("miglora-avg@beta=0").get(0));
        assertFalse(java.util.Arrays.equals(plain, area), "the areas change the prediction");
        assertFalse(java.util.Arrays.equals(plain, beta0), "the LoRA changes the model");
        // The same workflow twice is answered from the engine's cache: the same image.
        assertTrue(java.util.Arrays.equals(beta0, pixels(results.images().get("miglora-avg@beta=0.00").get(0))));
        assertEquals(32003, ShapesBenchmark.noiseSeed(3, 2, 3), "10000 seed + 1000 level + i");
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void aStopEndsAfterTheImageInFlightWithWhatWasDone() {
        ShapesBenchmark.Options options = options("plain,area", tiny("tiny-sd15.safetensors"));
        int[] calls = {0};
        ShapesBenchmark.Results results = new ShapesBenchmark(host.engine(), host.folders()).run(options,
                (m, l, d, t) -> { }, () -> calls[0]++ >= 3);
        assertFalse(results.complete());
        assertEquals(List.of("plain", "area"), results.table().methods());
        assertEquals(2, results.table().overall("plain").images());
        assertEquals(1, results.table().overall("area").images());
    }

    @Test
    void aMissingCheckpointFailsNamingTheFileAndTheNode() {
        ShapesBenchmark.Options options = options("plain", tiny("shapes-sd15.safetensors"));
        EvaluationException e = assertThrows(EvaluationException.class,
                () -> new ShapesBenchmark(host.engine(), host.folders()).run(options, (m, l, d, t) -> { }, () -> false));
        assertTrue(e.getMessage().startsWith("plain, level 2, image 1: the workflow is invalid: "), e.getMessage());
        assertTrue(e.getMessage().contains("shapes-sd15.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains("ckpt_name"), e.getMessage());
    }
}
