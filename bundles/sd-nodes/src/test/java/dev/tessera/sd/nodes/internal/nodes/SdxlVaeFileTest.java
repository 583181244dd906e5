package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.ImageDecoder;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import dev.tessera.testing.ConformancePack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone SDXL VAE ({@code sdxl_vae.safetensors}: SD's topology, nothing in it says SDXL) through VAELoader, as
 * ComfyUI users load one: its latents follow the MODEL it is used with. The file is the tiny SDXL checkpoint's own
 * VAE cut out without its prefix, so the checkpoint's VAE is the reference.
 */
class SdxlVaeFileTest {

    /** The tiny VAE's hyperparameters the shapes do not tell, without a scaling factor (as sdxl_vae has none). */
    private static final String ARCH = "{\"vae\": {\"ch\": 8, \"ch_mult\": [1, 2, 2, 2], \"num_res_blocks\": 2,"
            + " \"z_channels\": 4, \"norm_num_groups\": 4%s}}";

    @TempDir
    Path home;
    private Path models;
    private Graph graph;
    private String sdxl;

    @BeforeEach
    void setUp() throws Exception {
        models = home.resolve("models");
        Path samples = ConformancePack.sampleWorkflows().resolve("models/checkpoints");
        try (Stream<Path> files = Files.walk(samples)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                ConformancePack.copy(file, models.resolve("checkpoints").resolve(samples.relativize(file)));
            }
        }
        Map<String, NDArray> vae = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager();
                SafetensorsFile file = SafetensorsFile.open(samples.resolve("tiny-sdxl.safetensors"))) {
            for (String name : file.names()) {
                if (name.startsWith("first_stage_model.")) {
                    vae.put(name.substring("first_stage_model.".length()), file.load(name, m));
                }
            }
            Files.createDirectories(models.resolve("vae"));
            SafetensorsWriter.write(models.resolve("vae/sdxl_vae.safetensors"), vae, Map.of());
        }
        arch("sdxl_vae", "");
        graph = new Graph(home.resolve("home"), models);
        sdxl = Graph.read(ConformancePack.sampleWorkflows().resolve("sdxl-txt2img.json"))
                .replace("\"steps\": 10", "\"steps\": 3");
    }

    @AfterEach
    void tearDown() {
        graph.close();
    }

    private void arch(String name, String extra) throws Exception {
        Files.writeString(models.resolve("vae/" + name + ".arch.json"), String.format(ARCH, extra));
    }

    /**
     * {@code workflow} with node 6's VAEDecode fed by VAELoader {@code vaeName} (null: the checkpoint's VAE), then a
     * second pass (ComfyUI's img2img): VAEEncode of the image with the same VAE, KSampler at denoise 0.5, VAEDecode.
     */
    private static String twoPasses(String workflow, String vaeName) {
        String vae = vaeName == null ? "[\"1\", 2]" : "[\"9\", 0]";
        String graph = workflow.replace("\"vae\": [\"1\", 2]", "\"vae\": " + vae).replaceFirst("\\{", "{"
                + (vaeName == null ? "" : "\"9\": {\"class_type\": \"VAELoader\", \"inputs\": {\"vae_name\": \""
                        + vaeName + "\"}},")
                + "\"10\": {\"class_type\": \"VAEEncode\", \"inputs\": {\"pixels\": [\"6\", 0], \"vae\": " + vae + "}},"
                + "\"11\": {\"class_type\": \"KSampler\", \"inputs\": {\"model\": [\"1\", 0], \"seed\": 7, \"steps\": 3,"
                + " \"cfg\": 5.0, \"sampler_name\": \"euler\", \"scheduler\": \"normal\", \"positive\": [\"2\", 0],"
                + " \"negative\": [\"3\", 0], \"latent_image\": [\"10\", 0], \"denoise\": 0.5}},"
                + "\"12\": {\"class_type\": \"VAEDecode\", \"inputs\": {\"samples\": [\"11\", 0], \"vae\": " + vae + "}},"
                + "\"13\": {\"class_type\": \"SaveImage\", \"inputs\": {\"images\": [\"12\", 0],"
                + " \"filename_prefix\": \"second\"}},");
        return graph;
    }

    private int[] pixels(RunResult result, String node) throws Exception {
        assertEquals(RunResult.Status.SUCCESS, result.status(), String.valueOf(result.error()));
        ImageRef ref = (ImageRef) result.outputs().get(node).get("images").get(0);
        DecodedImage saved = ImageDecoder.read(graph.host.folders().output().resolve(ref.subfolder())
                .resolve(ref.filename()));
        int[] all = new int[saved.width() * saved.height()];
        for (int y = 0; y < saved.height(); y++) {
            for (int x = 0; x < saved.width(); x++) {
                all[y * saved.width() + x] = saved.pixel(x, y);
            }
        }
        return all;
    }

    @Test
    void anSdxlVaeFileDecodesAndEncodesForTheSdxlModelAsTheCheckpointsVae() throws Exception {
        RunResult reference = graph.run(twoPasses(sdxl, null));
        RunResult file = graph.run(twoPasses(sdxl, "sdxl_vae.safetensors"));
        assertArrayEquals(pixels(reference, "7"), pixels(file, "7"), "txt2img decoded by the VAE file");
        // The second sampler scales the VAE file's latents by the SDXL model's 0.13025 (not SD1.x's 0.18215):
        // the same pixels as with the checkpoint's own VAE, whose family is SDXL.
        assertArrayEquals(pixels(reference, "13"), pixels(file, "13"), "img2img through the VAE file");
    }

    @Test
    void theSameFileGoesWithAnSd1Model() throws Exception {
        String sd15 = Graph.read(ConformancePack.sampleWorkflows().resolve("sd15-txt2img.json"))
                .replace("\"steps\": 10", "\"steps\": 3").replace("\"vae\": [\"1\", 2]", "\"vae\": [\"9\", 0]")
                .replaceFirst("\\{", "{\"9\": {\"class_type\": \"VAELoader\", \"inputs\": {\"vae_name\":"
                        + " \"sdxl_vae.safetensors\"}},");
        assertEquals(64 * 64, pixels(graph.run(sd15), "7").length);
    }

    @Test
    void aStatedScalingFactorDecidesTheFamily() throws Exception {
        arch("sdxl_vae", ", \"scaling_factor\": 0.13025");
        RunResult stated = graph.run(twoPasses(sdxl, "sdxl_vae.safetensors"));
        assertArrayEquals(pixels(graph.run(twoPasses(sdxl, null)), "13"), pixels(stated, "13"));

        ConformancePack.copy(models.resolve("vae/sdxl_vae.safetensors"), models.resolve("vae/sd1_vae.safetensors"));
        arch("sd1_vae", ", \"scaling_factor\": 0.18215");
        RunResult sd1 = graph.run(twoPasses(sdxl, "sd1_vae.safetensors"));
        assertEquals(RunResult.Status.FAILED, sd1.status());
        assertEquals("6", sd1.error().nodeId());
        assertEquals("vae", sd1.error().inputName());
        assertTrue(sd1.error().message().contains("this VAE decodes sd1 (4 channels) latents, the samples are sdxl"),
                sd1.error().message());
    }
}
