package dev.tessera.image.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.api.Widget;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.MaskBatch;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RunScope;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadImageNodeTest {

    @TempDir
    Path root;

    private DirFolders folders;
    private CpuRuntime runtime;
    private RunScope scope;
    private LoadImageNode node;

    @BeforeEach
    void setUp() {
        folders = new DirFolders(root);
        runtime = new CpuRuntime();
        scope = new RunScope();
        node = new LoadImageNode(folders, runtime);
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        runtime.close();
    }

    private Path writeImage(String name, BufferedImage img, String format) throws IOException {
        Path file = folders.input().resolve(name);
        assertTrue(ImageIO.write(img, format, file.toFile()));
        return file;
    }

    private NodeResult load(String name) {
        return node.execute(new MapInputs().with("image", name), new RecordingContext(scope));
    }

    @Test
    void descriptorIsComfyUis() {
        NodeDescriptor d = node.descriptor();
        assertEquals("LoadImage", d.typeId());
        assertEquals("image", d.category());
        assertEquals(List.of(ValueType.IMAGE, ValueType.MASK), d.outputs().stream().map(o -> o.type()).toList());
        assertEquals(List.of("IMAGE", "MASK"), d.outputs().stream().map(o -> o.name()).toList());
        assertEquals(ValueType.COMBO, d.input("image").orElseThrow().type());
    }

    @Test
    void optionsFollowTheInputFolder() throws IOException {
        Widget.ComboWidget combo = (Widget.ComboWidget) node.descriptor().input("image").orElseThrow().widget();
        assertEquals(List.of(), combo.currentOptions());
        writeImage("b.png", new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png");
        writeImage("a.jpg", new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "jpg");
        Files.writeString(folders.input().resolve("notes.txt"), "not an image");
        Files.createDirectories(folders.input().resolve("sub.png"));
        assertEquals(List.of("a.jpg", "b.png"), combo.currentOptions());
    }

    @Test
    void alphaBecomesTheInvertedMask() throws IOException {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        int[] argb = {0xFF102030, 0x00FFFFFF, 0x80405060, 0xFFFFFFFF, 0x33000000, 0xCC0000FF};
        img.setRGB(0, 0, 3, 2, argb, 0, 3);
        writeImage("rgba.png", img, "png");

        NodeResult r = load("rgba.png");
        try (ImageBatch image = (ImageBatch) r.value(0); MaskBatch mask = (MaskBatch) r.value(1)) {
            assertEquals(new Shape(1, 2, 3, 3), image.pixels().getShape());
            assertEquals(new Shape(1, 2, 3), mask.values().getShape());
            float[] expectedMask = new float[6];
            float[] expectedRgb = new float[18];
            for (int i = 0; i < 6; i++) {
                expectedMask[i] = 1f - (argb[i] >>> 24) / 255f;
                expectedRgb[3 * i] = ((argb[i] >> 16) & 0xFF) / 255f;
                expectedRgb[3 * i + 1] = ((argb[i] >> 8) & 0xFF) / 255f;
                expectedRgb[3 * i + 2] = (argb[i] & 0xFF) / 255f;
            }
            assertArrayEquals(expectedMask, mask.toFloats(0));
            assertArrayEquals(expectedRgb, image.pixels().toFloatArray());
        }
    }

    @Test
    void noAlphaGivesA64By64ZeroMask() throws IOException {
        writeImage("rgb.jpg", new BufferedImage(10, 6, BufferedImage.TYPE_INT_RGB), "jpg");
        NodeResult r = load("rgb.jpg");
        try (ImageBatch image = (ImageBatch) r.value(0); MaskBatch mask = (MaskBatch) r.value(1)) {
            assertEquals(new Shape(1, 6, 10, 3), image.pixels().getShape());
            assertEquals(new Shape(1, 64, 64), mask.values().getShape());
            assertEquals(0f, mask.values().abs().sum().getFloat());
        }
    }

    @Test
    void outputsOutliveTheRun() throws Exception {
        writeImage("x.png", new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png");
        NodeResult r = load("x.png");
        scope.close();
        try (ImageBatch image = (ImageBatch) r.value(0); MaskBatch mask = (MaskBatch) r.value(1)) {
            assertEquals(0f, image.pixels().sum().getFloat(), "still readable after the run's scope closed");
            assertEquals(64, mask.height());
        }
    }

    @Test
    void missingFileNamesInputAndFile() {
        NodeException e = assertThrows(NodeException.class, () -> load("nope.png"));
        assertEquals("image", e.inputName());
        assertTrue(e.getMessage().contains("nope.png"), e.getMessage());
        List<InputProblem> problems = node.validate(new MapInputs().with("image", "nope.png"));
        assertEquals(1, problems.size());
        assertEquals("image", problems.get(0).input());
    }

    @Test
    void corruptFileNamesInputAndFile() throws IOException {
        Files.writeString(folders.input().resolve("broken.png"), "this is not a PNG");
        NodeException e = assertThrows(NodeException.class, () -> load("broken.png"));
        assertEquals("image", e.inputName());
        assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
    }

    @Test
    void namesCannotLeaveTheirFolder() throws IOException {
        Files.writeString(root.resolve("secret.png"), "outside");
        NodeException e = assertThrows(NodeException.class, () -> load("../secret.png"));
        assertEquals("image", e.inputName());
        assertThrows(NodeException.class, () -> load(root.resolve("secret.png").toString()));
        assertEquals(1, node.validate(new MapInputs().with("image", "../secret.png")).size());
    }

    @Test
    void linksLeadingOutOfTheFolderAreNeitherListedNorRead() throws IOException {
        Path outside = Files.createDirectories(root.resolve("elsewhere"));
        assertTrue(ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", outside.resolve("secret.png").toFile()));
        writeImage("mine.png", new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png");
        Files.createSymbolicLink(folders.input().resolve("file-link.png"), outside.resolve("secret.png"));
        Files.createSymbolicLink(folders.input().resolve("folder-link"), outside);
        Files.createSymbolicLink(folders.input().resolve("alias.png"), folders.input().resolve("mine.png"));
        Widget.ComboWidget combo = (Widget.ComboWidget) node.descriptor().input("image").orElseThrow().widget();
        assertEquals(List.of("alias.png", "mine.png"), combo.currentOptions(), "a link that stays inside is offered");
        for (String name : List.of("file-link.png", "folder-link/secret.png")) {
            List<InputProblem> problems = node.validate(new MapInputs().with("image", name));
            assertEquals(1, problems.size(), name);
            assertTrue(problems.get(0).message().contains("a link leading outside the input folder"), problems.get(0).message());
            NodeException e = assertThrows(NodeException.class, () -> load(name), name);
            assertEquals("image", e.inputName());
        }
        NodeResult r = load("alias.png");
        try (ImageBatch image = (ImageBatch) r.value(0); MaskBatch mask = (MaskBatch) r.value(1)) {
            assertEquals(1, image.width());
        }
    }

    @Test
    void annotatedNamesReadOtherFolders() throws IOException {
        BufferedImage img = new BufferedImage(2, 3, BufferedImage.TYPE_INT_RGB);
        assertTrue(ImageIO.write(img, "png", folders.output().resolve("Tessera_00001_.png").toFile()));
        NodeResult r = load("Tessera_00001_.png [output]");
        try (ImageBatch image = (ImageBatch) r.value(0); MaskBatch mask = (MaskBatch) r.value(1)) {
            assertEquals(3, image.height());
        }
    }

    @Test
    void changeKeyIsTheContentHash() throws Exception {
        Path file = writeImage("c.png", new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png");
        MapInputs inputs = new MapInputs().with("image", "c.png");
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        assertEquals(expected, node.changeKey(inputs));
        BufferedImage changed = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        changed.setRGB(0, 0, 0xFFFFFF);
        writeImage("c.png", changed, "png");
        assertNotEquals(expected, node.changeKey(inputs), "a changed file changes the key");
        assertEquals("unreadable:gone.png", node.changeKey(new MapInputs().with("image", "gone.png")));
    }
}
