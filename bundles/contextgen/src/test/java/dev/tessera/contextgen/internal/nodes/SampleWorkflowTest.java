package dev.tessera.contextgen.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import dev.tessera.diffusion.nodes.internal.VaeFiles;
import dev.tessera.diffusion.nodes.internal.nodes.CLIPTextEncodeNode;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEDecodeNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEEncodeNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAELoaderNode;
import dev.tessera.flux.nodes.internal.nodes.DualCLIPLoaderNode;
import dev.tessera.flux.nodes.internal.nodes.FluxGuidanceNode;
import dev.tessera.flux.nodes.internal.TransformerCheckpoints;
import dev.tessera.flux.nodes.internal.nodes.UNETLoaderNode;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.internal.TestEngine;
import dev.tessera.image.internal.nodes.LoadImageNode;
import dev.tessera.image.internal.nodes.SaveImageNode;
import dev.tessera.layout.internal.nodes.LayoutFromJsonNode;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.CpuRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sample-workflows/contextgen-flux-kontext.json} in the real engine with every node it uses, as the app wires
 * them: it runs, a new seed re-runs only the sampler and what follows it, and repeated runs leave no tensors behind
 * (the engine's cache closes what it replaces).
 */
class SampleWorkflowTest {

    @TempDir
    Path home;
    private CpuRuntime runtime;
    private TransformerCheckpoints checkpoints;
    private TestEngine host;
    private String sample;

    @BeforeEach
    void setUp() throws Exception {
        start(DataType.FLOAT32);
    }

    /** The host with every node of the sample over a runtime computing in {@code computeType}. */
    private void start(DataType computeType) throws Exception {
        if (host != null) {
            host.close();
            runtime.close();
        }
        Path samples = ConformancePack.sampleWorkflows();
        sample = Files.readString(samples.resolve("contextgen-flux-kontext.json"));
        Files.createDirectories(home.resolve("input"));
        for (String name : List.of("contextgen-ref-a.png", "contextgen-ref-b.png", "contextgen-layout.png")) {
            Files.copy(samples.resolve("input").resolve(name), home.resolve("input").resolve(name),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        runtime = new CpuRuntime(computeType);
        checkpoints = new TransformerCheckpoints(runtime);
        host = new TestEngine(home, samples.resolve("models"));
        host.register(new UNETLoaderNode(host.folders(), runtime, checkpoints));
        host.register(new DualCLIPLoaderNode(host.folders(), runtime));
        host.register(new VAELoaderNode(host.folders(), new VaeFiles(runtime)));
        host.register(new LoadImageNode(host.folders(), runtime));
        host.register(new ReferenceImageNode());
        host.register(new LayoutFromJsonNode());
        host.register(new ContextGenLayoutNode(host.folders()));
        host.register(new CLIPTextEncodeNode(runtime));
        host.register(new FluxGuidanceNode(runtime));
        host.register(new ContextGenApplyNode(runtime));
        host.register(new ComposeLayoutImageNode(runtime));
        host.register(new VAEEncodeNode(runtime));
        host.register(new KSamplerNode(runtime));
        host.register(new VAEDecodeNode(runtime));
        host.register(new SaveImageNode(host.folders()));
    }

    @AfterEach
    void tearDown() {
        host.close();
        checkpoints.close();
        runtime.close();
    }

    private RunResult run(long seed) {
        String json = sample.replace("\"seed\": 7,", "\"seed\": " + seed + ",");
        RunResult result = host.engine().run(host.engine().parse(json, "sample"), RunOptions.defaults(), e -> { });
        assertEquals(RunResult.Status.SUCCESS, result.status(), () -> String.valueOf(result.failure()));
        return result;
    }

    @Test
    void theSampleRunsAndANewSeedRerunsOnlyTheSamplerAndWhatFollowsWithoutGrowing() throws Exception {
        assertTrue(sample.contains("\"seed\": 7,"), "the sample's seed");
        RunResult first = run(7);
        assertEquals(17, first.executed().size(), first.executed().toString());
        RunResult second = run(8);
        assertEquals(List.of("15", "16", "17"), second.executed().stream().sorted().toList(),
                "KSampler, VAEDecode, SaveImage");
        int live = runtime.liveArrays();
        for (long seed = 9; seed < 12; seed++) {
            run(seed);
            assertEquals(live, runtime.liveArrays(), "live tensors after the run with seed " + seed);
        }
        try (var saved = Files.list(home.resolve("output"))) {
            assertEquals(5, saved.filter(p -> p.getFileName().toString().startsWith("contextgen-flux-kontext_"))
                    .count());
        }
        // Pixels, not file bytes: the PNG's prompt chunk differs with the seed anyway.
        assertFalse(java.util.Arrays.equals(pixels("contextgen-flux-kontext_00001_.png"),
                pixels("contextgen-flux-kontext_00002_.png")), "another seed, another image");
    }

    /**
     * {@code sample-workflows/contextgen-segment-info.json}: the authors' segment_info.json (a 256 frame, RGBA
     * references and an RGBA layout image named by path) at a 128 output runs, and its layout image is the named
     * file, not a composite: without the file the run fails naming it.
     */
    @Test
    void theSegmentInfoSampleRunsWithItsNamedLayoutImage() throws Exception {
        String segmentInfo = Files.readString(ConformancePack.sampleWorkflows().resolve(
                "contextgen-segment-info.json"));
        RunResult result = host.engine().run(host.engine().parse(segmentInfo, "segment-info"), RunOptions.defaults(),
                e -> { });
        assertEquals(RunResult.Status.SUCCESS, result.status(), () -> String.valueOf(result.failure()));
        assertEquals(13, result.executed().size(), result.executed().toString());
        java.awt.image.BufferedImage saved = javax.imageio.ImageIO.read(home.resolve("output")
                .resolve("contextgen-segment-info_00001_.png").toFile());
        assertEquals(128, saved.getWidth());
        assertEquals(128, saved.getHeight());

        Files.delete(home.resolve("input/contextgen-layout.png"));
        RunResult missing = host.engine().run(host.engine().parse(segmentInfo.replace("\"seed\": 7,",
                "\"seed\": 8,").replace("\"width\": 128", "\"width\": 112"), "segment-info"),
                RunOptions.defaults(), e -> { });
        assertEquals(RunResult.Status.FAILED, missing.status());
        assertTrue(String.valueOf(missing.failure()).contains("contextgen-layout.png"),
                String.valueOf(missing.failure()));
    }

    /**
     * The same graph with every model in float16 (the compute dtype is the runtime's parameter, as on a GPU; bfloat16
     * is refused by the loaders: it aborts the process in DJL 0.35's PyTorch engine): it runs, and its image stays
     * close to the float32 one (measured: 0.13 of 255 on average).
     */
    @Test
    void theSampleRunsInFloat16() throws Exception {
        run(7);
        int[] f32 = pixels("contextgen-flux-kontext_00001_.png");
        start(DataType.FLOAT16);
        run(7);
        int[] f16 = pixels("contextgen-flux-kontext_00002_.png");
        double diff = 0;
        for (int i = 0; i < f32.length; i++) {
            for (int shift = 0; shift < 24; shift += 8) {
                diff += Math.abs(((f32[i] >> shift) & 0xFF) - ((f16[i] >> shift) & 0xFF));
            }
        }
        double mean = diff / (f32.length * 3.0);
        System.out.printf("ContextGen sample, float16 vs float32: mean pixel difference %.2f of 255%n", mean);
        assertTrue(mean < 4, "mean pixel difference " + mean);
    }

    private int[] pixels(String name) throws java.io.IOException {
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(home.resolve("output").resolve(name).toFile());
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
