package dev.tessera.contextgen.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.ValidationProblem;
import dev.tessera.graph.engine.internal.TestEngine;
import dev.tessera.image.internal.nodes.LoadImageNode;
import dev.tessera.image.internal.nodes.SaveImageNode;
import dev.tessera.layout.internal.nodes.LayoutFromJsonNode;
import dev.tessera.testing.CpuRuntime;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nodes in the real engine with LoadImage, LayoutFromJSON and SaveImage: RGBA files -> ReferenceImage chain ->
 * ContextGenLayout -> ComposeLayoutImage -> PNG, and bad input reported against the right node and input.
 */
class WorkflowTest {

    @TempDir
    Path home;
    private CpuRuntime runtime;
    private TestEngine host;

    @BeforeEach
    void setUp() throws Exception {
        runtime = new CpuRuntime();
        host = new TestEngine(home, home.resolve("models"));
        Files.createDirectories(home.resolve("input"));
        host.register(new LoadImageNode(host.folders(), runtime));
        host.register(new SaveImageNode(host.folders()));
        host.register(new LayoutFromJsonNode());
        host.register(new ReferenceImageNode());
        host.register(new ContextGenLayoutNode(host.folders()));
        host.register(new ComposeLayoutImageNode(runtime));
        // Two RGBA references: an opaque blue disc-ish square and a red one, transparent around.
        write("blue.png", 64, 64, 0xFF0000FF);
        write("red.png", 32, 32, 0xFFFF0000);
        BufferedImage rgb = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(rgb, "png", home.resolve("input/plain.png").toFile());
    }

    @AfterEach
    void tearDown() {
        host.close();
        runtime.close();
    }

    private void write(String name, int w, int h, int argb) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = h / 4; y < 3 * h / 4; y++) for (int x = w / 4; x < 3 * w / 4; x++) img.setRGB(x, y, argb);
        ImageIO.write(img, "png", home.resolve("input").resolve(name).toFile());
    }

    /** ContextGen's segment_info.json for two overlapping boxes on a 256 px canvas. */
    private static final String LAYOUT = "{'caption': 'a blue box and a red box', 'width': 256, 'instances': ["
            + "{'bbox': [0, 0, 160, 160], 'phrase': 'a blue box'},"
            + "{'bbox': [120, 120, 200, 200], 'phrase': 'a red box'}]}";

    private String workflow(String secondImage, long width, boolean thirdReference) {
        return """
                {
                  "1": {"class_type": "LoadImage", "inputs": {"image": "blue.png"}},
                  "2": {"class_type": "LoadImage", "inputs": {"image": "%s"}},
                  "3": {"class_type": "ReferenceImage", "inputs": {"image": ["1", 0], "mask": ["1", 1],
                        "mask_means": "transparency"}},
                  "4": {"class_type": "ReferenceImage", "inputs": {"image": ["2", 0], "mask": ["2", 1],
                        "mask_means": "transparency", "references": ["3", 0]}},
                  "9": {"class_type": "ReferenceImage", "inputs": {"image": ["1", 0], "mask": ["1", 1],
                        "mask_means": "transparency", "references": ["4", 0]}},
                  "5": {"class_type": "LayoutFromJSON", "inputs": {"text": "%s", "format": "contextgen", "index": 0,
                        "width": 0, "height": 0}},
                  "6": {"class_type": "ContextGenLayout", "inputs": {"layout": ["5", 0], "width": %d, "height": 256,
                        "reference_size": 0, "references": ["%s", 0]}},
                  "7": {"class_type": "ComposeLayoutImage", "inputs": {"contextgen_layout": ["6", 0]}},
                  "8": {"class_type": "SaveImage", "inputs": {"images": ["7", 0], "filename_prefix": "layout"}}
                }
                """.formatted(secondImage, LAYOUT.replace("'", "\\\""), width, thirdReference ? "9" : "4");
    }

    private RunResult run(String json) {
        return host.engine().run(host.engine().parse(json, "test"), RunOptions.defaults(), event -> { });
    }

    @Test
    void referencesFromRgbaFilesBecomeALayoutImage() throws Exception {
        RunResult result = run(workflow("red.png", 256, false));
        assertEquals(RunResult.Status.SUCCESS, result.status(), String.valueOf(result.error()));
        File[] saved = home.resolve("output").toFile().listFiles((d, n) -> n.startsWith("layout"));
        assertEquals(1, saved.length);
        BufferedImage png = ImageIO.read(saved[0]);
        assertEquals(256, png.getWidth());
        assertEquals(256, png.getHeight());
        // Blue fills its 160x160 box, the smaller red one lies on top where they overlap, grey elsewhere.
        assertEquals(0x0000FF, png.getRGB(40, 40) & 0xFFFFFF);
        assertEquals(0xFF0000, png.getRGB(150, 150) & 0xFFFFFF);
        assertEquals(0x7F7F7F, png.getRGB(250, 5) & 0xFFFFFF);
    }

    @Test
    void aReferenceWithoutAlphaFailsAtItsNodeNamingTheMask() {
        RunResult result = run(workflow("plain.png", 256, false));
        assertEquals(RunResult.Status.FAILED, result.status());
        assertEquals("4", result.error().nodeId());
        assertEquals("mask", result.error().inputName());
        assertTrue(result.error().message().contains("no alpha channel"), result.error().message());
        assertTrue(home.resolve("output").toFile().list().length == 0, "nothing saved");
    }

    @Test
    void moreReferencesThanInstancesFailsAtContextGenLayout() {
        RunResult result = run(workflow("red.png", 256, true));
        assertEquals(RunResult.Status.FAILED, result.status());
        assertEquals("6", result.error().nodeId());
        assertEquals("references", result.error().inputName());
        assertTrue(result.error().message().contains("3 references but the layout has 2 instances"),
                result.error().message());
    }

    @Test
    void aWidthNotAMultipleOf16FailsValidationBeforeAnythingRuns() {
        RunResult result = run(workflow("red.png", 248, false));
        assertEquals(RunResult.Status.INVALID, result.status());
        assertEquals(List.of(), result.executed());
        List<ValidationProblem> errors = result.validation().errors();
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("6", errors.get(0).nodeId());
        assertEquals("width", errors.get(0).inputName());
        assertTrue(errors.get(0).message().contains("multiple of 16"), errors.get(0).message());
    }
}
