package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.engine.RunResult;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.ImageDecoder;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.testing.ConformancePack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sample-workflows/sdxl-txt2img.json through the real engine on the tiny SDXL checkpoint (CheckpointLoaderSimple
 * recognising SDXL, CLIPTextEncodeSDXL, CLIPTextEncode on SDXL's CLIP, EmptyLatentImage, KSampler, VAEDecode).
 */
class SdxlGraphTest {

    @TempDir
    Path home;
    private Graph graph;
    private String workflow;

    @BeforeEach
    void setUp() {
        graph = new Graph(home, ConformancePack.sampleWorkflows().resolve("models"));
        workflow = Graph.read(ConformancePack.sampleWorkflows().resolve("sdxl-txt2img.json"));
    }

    @AfterEach
    void tearDown() {
        graph.close();
    }

    private int[] pixels(RunResult result) throws Exception {
        assertEquals(RunResult.Status.SUCCESS, result.status(), String.valueOf(result.error()));
        ImageRef ref = (ImageRef) result.outputs().get("7").get("images").get(0);
        Path png = graph.host.folders().output().resolve(ref.subfolder()).resolve(ref.filename());
        assertTrue(Files.isRegularFile(png), png.toString());
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
    void theSampleRunsEveryNodeAndIsReproducible() throws Exception {
        RunResult result = graph.run(workflow);
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7"), result.executed().stream().sorted().toList());
        int[] first = pixels(result);
        assertArrayEquals(first, pixels(graph.run(workflow.replace("\"seed\": 42", "\"seed\": 42 "))),
                "the same seed gives the same pixels");
    }

    @Test
    void theSizeConditioningReachesTheUNet() throws Exception {
        int[] base = pixels(graph.run(workflow));
        // Only the added conditioning's time ids change: if they did not reach the UNet the image would not.
        int[] cropped = pixels(graph.run(workflow.replace("\"crop_w\": 0", "\"crop_w\": 512")));
        assertFalse(java.util.Arrays.equals(base, cropped), "crop_w changed nothing");
        int[] textL = pixels(graph.run(workflow.replace("\"text_l\": \"a red apple, a blue cup\"",
                "\"text_l\": \"a green pear\"")));
        assertFalse(java.util.Arrays.equals(base, textL), "text_l changed nothing");
    }

    @Test
    void clipTextEncodeSdxlRefusesAnSd1ClipNamingTheNodeAndInput() {
        String sd15 = workflow.replace("tiny-sdxl.safetensors", "tiny-sd15.safetensors");
        RunResult result = graph.run(sd15);
        assertEquals(RunResult.Status.FAILED, result.status());
        assertEquals("2", result.error().nodeId());
        assertEquals("clip", result.error().inputName());
        assertTrue(result.error().message().contains("CLIPTextEncodeSDXL needs the CLIP of an SDXL checkpoint")
                && result.error().message().contains("sd1"), result.error().message());
    }

    @Test
    void anSd1ConditioningOnTheSdxlModelIsRefusedNamingTheSamplerInput() {
        String mixed = workflow.replace("\"clip\": [\"1\", 1]}", "\"clip\": [\"8\", 1]}")
                .replaceFirst("\\{", "{\"8\": {\"class_type\": \"CheckpointLoaderSimple\", \"inputs\":"
                        + " {\"ckpt_name\": \"tiny-sd15.safetensors\"}},");
        RunResult result = graph.run(mixed);
        assertEquals(RunResult.Status.FAILED, result.status());
        assertEquals("5", result.error().nodeId());
        assertEquals("negative", result.error().inputName());
        assertTrue(result.error().message().contains("negative conditioning is 32 wide")
                || result.error().message().contains("negative"), result.error().message());
    }
}
