package dev.tessera.image.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.PngText;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RunScope;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaveImageNodeTest {

    @TempDir
    Path root;

    private DirFolders folders;
    private NDManager manager;
    private RunScope scope;
    private ImageBatch twoImages;

    @BeforeEach
    void setUp() {
        folders = new DirFolders(root);
        manager = NDManager.newBaseManager();
        scope = new RunScope();
        float[] px = new float[2 * 2 * 3 * 3];
        for (int i = 0; i < px.length; i++) px[i] = i / (float) px.length;
        twoImages = ImageBatch.of(manager, manager.create(px, new Shape(2, 2, 3, 3)));
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        manager.close();
    }

    private NodeResult save(String prefix, RecordingContext context) {
        return new SaveImageNode(folders).execute(
                new MapInputs().with("images", twoImages).with("filename_prefix", prefix), context);
    }

    @SuppressWarnings("unchecked")
    private static List<ImageRef> refs(NodeResult r) {
        return (List<ImageRef>) r.ui().get("images");
    }

    @Test
    void descriptorIsComfyUis() {
        NodeDescriptor d = new SaveImageNode(folders).descriptor();
        assertEquals("SaveImage", d.typeId());
        assertTrue(d.outputNode());
        assertTrue(d.outputs().isEmpty());
        assertEquals("Tessera", d.input("filename_prefix").orElseThrow().widget().defaultLiteral());
    }

    @Test
    void namesCountOnFromExistingFiles() throws IOException {
        Files.writeString(folders.output().resolve("Tessera_00007_.png"), "");
        Files.writeString(folders.output().resolve("Tessera_abc_.png"), "");
        Files.writeString(folders.output().resolve("Other_00050_.png"), "");
        Files.writeString(folders.output().resolve("TesseraX_00090_.png"), "");
        List<ImageRef> first = refs(save("Tessera", new RecordingContext(scope)));
        assertEquals(List.of(new ImageRef("Tessera_00008_.png", "", "output"),
                new ImageRef("Tessera_00009_.png", "", "output")), first);
        List<ImageRef> second = refs(save("Tessera", new RecordingContext(scope)));
        assertEquals("Tessera_00010_.png", second.get(0).filename());
    }

    @Test
    void firstSaveIsNumberOne() {
        assertEquals("run_00001_.png", refs(save("run", new RecordingContext(scope))).get(0).filename());
    }

    @Test
    void prefixMayNameASubfolder() {
        List<ImageRef> r = refs(save("portraits/day1/run", new RecordingContext(scope)));
        assertEquals(new ImageRef("run_00001_.png", "portraits/day1", "output"), r.get(0));
        assertTrue(Files.isRegularFile(folders.output().resolve("portraits/day1/run_00001_.png")));
        assertEquals("x_00001_.png", refs(save("a/../x", new RecordingContext(scope))).get(0).filename(), "normalised inside");
    }

    @Test
    void prefixCannotLeaveTheOutputFolder() {
        for (String bad : List.of("../evil", "a/../../evil", root.resolve("elsewhere/evil").toString(), "..")) {
            NodeException e = assertThrows(NodeException.class, () -> save(bad, new RecordingContext(scope)), bad);
            assertEquals("filename_prefix", e.inputName(), bad);
            assertEquals(1, new SaveImageNode(folders).validate(new MapInputs().with("filename_prefix", bad)).size(), bad);
        }
        assertFalse(Files.exists(root.resolve("evil_00001_.png")));
        assertTrue(new SaveImageNode(folders).validate(new MapInputs().with("filename_prefix", "ok/run")).isEmpty());
    }

    @Test
    void linksOutOfTheOutputFolderAreRefused() throws IOException {
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.createSymbolicLink(folders.output().resolve("link"), outside);
        NodeException e = assertThrows(NodeException.class, () -> save("link/run", new RecordingContext(scope)));
        assertEquals("filename_prefix", e.inputName());
        try (var files = Files.list(outside)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void pngsHoldTheWorkflowAndTheQuantisedPixels() throws IOException {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("workflow", "{\"nodes\": [], \"title\": \"Caf\u00e9 \u732b\"}");
        RecordingContext context = new RecordingContext(scope).withNodeId("9")
                .withWorkflow("{\"9\": {\"class_type\": \"SaveImage\"}}", extra);
        List<ImageRef> r = refs(save("meta", context));
        Path file = folders.output().resolve(r.get(1).filename());

        Map<String, String> text = PngText.read(file);
        assertEquals(List.of("prompt", "workflow"), List.copyOf(text.keySet()));
        assertEquals("{\"9\": {\"class_type\": \"SaveImage\"}}", text.get("prompt"));
        assertEquals("{\"nodes\": [], \"title\": \"Caf\\u00e9 \\u732b\"}", text.get("workflow"),
                "non-ASCII escaped as Python's json.dumps does");

        BufferedImage png = ImageIO.read(file.toFile());
        assertEquals(3, png.getWidth());
        assertEquals(2, png.getHeight());
        // image 1, pixel (x=2, y=1): flat index (((1 * 2 + 1) * 3) + 2) * 3 = 33, values (33 + c) / 36
        int p = png.getRGB(2, 1);
        for (int c = 0; c < 3; c++) {
            int expected = (int) (255f * ((33 + c) / 36f));
            assertEquals(expected, (p >> (16 - 8 * c)) & 0xFF, "channel " + c);
        }
    }

    @Test
    void previewGoesToTempWithARandomPrefix() {
        NodeResult r = new PreviewImageNode(folders).execute(new MapInputs().with("images", twoImages), new RecordingContext(scope));
        List<ImageRef> images = refs(r);
        assertEquals(2, images.size());
        for (ImageRef ref : images) {
            assertEquals("temp", ref.type());
            assertTrue(ref.filename().matches("Tessera_temp_[a-z]{5}_0000[12]_\\.png"), ref.filename());
            assertTrue(Files.isRegularFile(folders.temp().resolve(ref.filename())));
        }
        assertTrue(new PreviewImageNode(folders).descriptor().outputNode());
    }

    @Test
    void batchNumberPlaceholderAndSizeVariables() {
        List<ImageRef> r = refs(save("img_%width%x%height%_b%batch_num%", new RecordingContext(scope)));
        assertEquals("img_3x2_b0_00001_.png", r.get(0).filename());
        assertEquals("img_3x2_b1_00002_.png", r.get(1).filename());
    }
}
