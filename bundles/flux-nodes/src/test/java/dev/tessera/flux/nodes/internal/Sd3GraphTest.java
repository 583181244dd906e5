package dev.tessera.flux.nodes.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.diffusion.nodes.internal.nodes.CLIPTextEncodeNode;
import dev.tessera.diffusion.nodes.internal.nodes.EmptyLatentImageNode;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEDecodeNode;
import dev.tessera.flux.nodes.internal.nodes.CLIPTextEncodeSD3Node;
import dev.tessera.flux.nodes.internal.nodes.ModelSamplingSD3Node;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.internal.TestEngine;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.ImageDecoder;
import dev.tessera.image.internal.nodes.SaveImageNode;
import dev.tessera.sd.nodes.internal.CheckpointCache;
import dev.tessera.sd.nodes.internal.nodes.CheckpointLoaderSimpleNode;
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
 * sample-workflows/sd3-txt2img.json through the real engine on the sample's tiny SD3 checkpoint with its text
 * encoders (CheckpointLoaderSimple through Sd3CheckpointLoader, CLIPTextEncodeSD3, CLIPTextEncode on SD3's CLIP,
 * ModelSamplingSD3, EmptyLatentImage, KSampler, VAEDecode, SaveImage).
 */
class Sd3GraphTest {

    @TempDir
    Path home;
    private CpuRuntime runtime;
    private TransformerCheckpoints checkpoints;
    private TestEngine host;
    private CheckpointCache cache;
    private String workflow;

    @BeforeEach
    void setUp() throws Exception {
        runtime = new CpuRuntime();
        checkpoints = new TransformerCheckpoints(runtime);
        host = new TestEngine(home, ConformancePack.sampleWorkflows().resolve("models"));
        cache = new CheckpointCache(runtime);
        host.register(new CheckpointLoaderSimpleNode(host.folders(), cache, List.of(new Sd3CheckpointLoader(runtime, checkpoints))));
        host.register(new CLIPTextEncodeSD3Node(runtime));
        host.register(new CLIPTextEncodeNode(runtime));
        host.register(new ModelSamplingSD3Node());
        host.register(new EmptyLatentImageNode(runtime));
        host.register(new KSamplerNode(runtime));
        host.register(new VAEDecodeNode(runtime));
        host.register(new SaveImageNode(host.folders()));
        workflow = Files.readString(ConformancePack.sampleWorkflows().resolve("sd3-txt2img.json"));
    }

    @AfterEach
    void tearDown() {
        host.close();
        cache.close();
        checkpoints.close();
        runtime.close();
    }

    private RunResult run(String json) {
        return host.engine().run(host.engine().parse(json, "test"), RunOptions.defaults(), event -> { });
    }

    private int[] pixels(RunResult result) throws Exception {
        assertEquals(RunResult.Status.SUCCESS, result.status(), String.valueOf(result.error()));
        ImageRef ref = (ImageRef) result.outputs().get("8").get("images").get(0);
        Path png = host.folders().output().resolve(ref.subfolder()).resolve(ref.filename());
        DecodedImage saved = ImageDecoder.read(png);
        assertEquals(64, saved.width());
        assertEquals(64, saved.height());
        int[] all = new int[64 * 64];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                all[y * 64 + x] = saved.pixel(x, y);
            }
        }
        return all;
    }

    @Test
    void theSampleRunsEveryNodeIsReproducibleAndEachPromptReachesTheModel() throws Exception {
        RunResult result = run(workflow);
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8"), result.executed().stream().sorted().toList());
        int[] base = pixels(result);
        assertArrayEquals(base, pixels(run(workflow.replace("\"seed\": 42", "\"seed\": 42 "))),
                "the same seed gives the same pixels");
        for (String[] change : new String[][] {
                {"\"t5xxl\": \"a red apple on the left of a blue cup\"", "\"t5xxl\": \"a red cup\""},
                {"\"clip_l\": \"a red apple, a blue cup\"", "\"clip_l\": \"a green pear\""},
                {"\"clip_g\": \"a red apple on the left of a blue cup\"", "\"clip_g\": \"a green pear\""}}) {
            assertTrue(workflow.contains(change[0]), change[0]);
            assertFalse(java.util.Arrays.equals(base, pixels(run(workflow.replace(change[0], change[1])))),
                    change[1] + " changed nothing");
        }
    }
}
