package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.ImageDecoder;
import dev.tessera.testing.ConformancePack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sample-workflows/sd15-txt2img.json through the real engine on the tiny checkpoint, as the CLI runs it. */
class Txt2ImgGraphTest {

    @TempDir
    Path home;
    private Graph graph;
    private String workflow;

    @BeforeEach
    void setUp() {
        graph = new Graph(home, ConformancePack.sampleWorkflows().resolve("models"));
        workflow = Graph.read(ConformancePack.sampleWorkflows().resolve("sd15-txt2img.json"));
    }

    @AfterEach
    void tearDown() {
        graph.close();
    }

    @Test
    void theSampleMakesTheImageComfyUisFormulasGiveAndSavesItAsPng() throws Exception {
        RunResult result = graph.run(workflow);
        assertEquals(RunResult.Status.SUCCESS, result.status(), String.valueOf(result.error()));
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7"), result.executed().stream().sorted().toList());
        ImageRef ref = (ImageRef) result.outputs().get("7").get("images").get(0);
        Path png = graph.host.folders().output().resolve(ref.subfolder()).resolve(ref.filename());
        assertTrue(Files.isRegularFile(png), png.toString());
        DecodedImage saved = ImageDecoder.read(png);
        assertEquals(64, saved.width());
        assertEquals(64, saved.height());

        Path checkpoints = ConformancePack.sampleWorkflows().resolve("models/checkpoints");
        try (NDManager m = NDManager.newBaseManager()) {
            NDList expected = IndependentTxt2Img.run(checkpoints.resolve("tiny-sd15.safetensors"),
                    checkpoints.resolve("tiny-sd15.tokenizer/tokenizer.json"), "a red apple on the left of a blue cup",
                    "blurry, low quality", 42, 10, 7.5, "euler", "normal", 64, 64, m);
            float[] pixels = expected.get(0).toFloatArray();
            int worst = 0;
            int differing = 0;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int argb = saved.pixel(x, y);
                    int[] rgb = {argb >> 16 & 0xFF, argb >> 8 & 0xFF, argb & 0xFF};
                    for (int c = 0; c < 3; c++) {
                        float v = 255f * pixels[(y * 64 + x) * 3 + c];
                        int want = v >= 255f ? 255 : v > 0 ? (int) v : 0;
                        int diff = Math.abs(want - rgb[c]);
                        worst = Math.max(worst, diff);
                        differing += diff == 0 ? 0 : 1;
                    }
                }
            }
            // Quantisation can flip a value lying within float error of a level boundary, nothing more.
            assertTrue(worst <= 1, "largest difference " + worst + " levels");
            assertTrue(differing <= 64 * 64 * 3 / 100, differing + " of " + 64 * 64 * 3 + " samples differ by a level");
        }
    }

    /**
     * sample-workflows/sd15-two-pass.json: two KSamplerAdvanced nodes, the first stopping after 6 of 10 steps with
     * its noise left in, the second finishing without new noise, make the image one KSampler makes.
     */
    @Test
    void theTwoPassSampleMakesTheSameImageAsOneSampler() throws Exception {
        RunResult one = graph.run(workflow);
        assertEquals(RunResult.Status.SUCCESS, one.status(), String.valueOf(one.error()));
        RunResult two = graph.run(Graph.read(ConformancePack.sampleWorkflows().resolve("sd15-two-pass.json")));
        assertEquals(RunResult.Status.SUCCESS, two.status(), String.valueOf(two.error()));
        assertTrue(two.executed().containsAll(List.of("5", "8", "6", "7")), two.executed().toString());
        DecodedImage a = saved(one);
        DecodedImage b = saved(two);
        int worst = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                for (int shift = 0; shift <= 16; shift += 8) {
                    worst = Math.max(worst, Math.abs((a.pixel(x, y) >> shift & 0xFF) - (b.pixel(x, y) >> shift & 0xFF)));
                }
            }
        }
        // Float rounding of the split run can flip a value at an 8-bit level boundary, nothing more.
        assertTrue(worst <= 1, "largest difference " + worst + " levels");
    }

    private DecodedImage saved(RunResult result) throws Exception {
        ImageRef ref = (ImageRef) result.outputs().get("7").get("images").get(0);
        return ImageDecoder.read(graph.host.folders().output().resolve(ref.subfolder()).resolve(ref.filename()));
    }

    @Test
    void aSecondRunExecutesNothingAndANewSeedRerunsOnlyTheSamplerAndWhatFollows() {
        assertEquals(RunResult.Status.SUCCESS, graph.run(workflow).status());
        RunResult again = graph.run(workflow);
        assertEquals(RunResult.Status.SUCCESS, again.status());
        assertEquals(List.of(), again.executed());
        RunResult reseeded = graph.run(workflow.replace("\"seed\": 42", "\"seed\": 43"));
        assertEquals(RunResult.Status.SUCCESS, reseeded.status(), String.valueOf(reseeded.error()));
        assertEquals(List.of("5", "6", "7"), reseeded.executed().stream().sorted().toList());
        assertEquals(1, graph.cache.loads(), "the checkpoint was opened once");
    }

    @Test
    void twoLoaderNodesOfOneCheckpointShareOneLoadAndClearingTheCacheFreesIt() throws Exception {
        Path models = ConformancePack.tinySd15Models(home);
        ConformancePack.copy(models.resolve("checkpoints/tiny-sd15.arch.json"), models.resolve("configs/tiny.arch.json"));
        try (Graph two = new Graph(home, models)) {
            String json = workflow.replace("\"model\": [\"1\", 0]", "\"model\": [\"8\", 0]")
                    .replaceFirst("\\{\\s*\"1\":", """
                            {"8": {"class_type": "CheckpointLoaderWithArch",
                                   "inputs": {"arch_name": "tiny.arch.json", "ckpt_name": "tiny-sd15.safetensors"}},
                             "1":""");
            RunResult result = two.run(json);
            assertEquals(RunResult.Status.SUCCESS, result.status(), String.valueOf(result.error()));
            assertTrue(result.executed().containsAll(List.of("1", "8")), result.executed().toString());
            assertEquals(1, two.cache.loads(), "same file, same architecture: one load for both loaders");
            assertEquals(1, two.cache.openFiles());
            two.engine().clearCache();
            assertEquals(0, two.cache.openFiles(), "no handle left: the checkpoint is closed");
        }
    }
}
