package dev.tessera.image.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.api.Widget;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.MaskBatch;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoadImageOutput: ComfyUI's name, the output folder's images newest first as "name [output]", loading them. */
class LoadImageOutputNodeTest {

    @TempDir
    Path root;

    private DirFolders folders;
    private CpuRuntime runtime;
    private RunScope scope;
    private LoadImageOutputNode node;

    @BeforeEach
    void setUp() {
        folders = new DirFolders(root);
        runtime = new CpuRuntime();
        scope = new RunScope();
        node = new LoadImageOutputNode(folders, runtime);
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        runtime.close();
    }

    private void write(String name, int rgb, long modifiedMillis) throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, rgb);
        img.setRGB(1, 0, 0xFFFFFF);
        Path file = folders.output().resolve(name);
        assertTrue(ImageIO.write(img, "png", file.toFile()));
        Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedMillis));
    }

    @Test
    void descriptorIsComfyUis() {
        NodeDescriptor d = node.descriptor();
        assertEquals("LoadImageOutput", d.typeId());
        assertEquals("Load Image (from Outputs)", d.displayName());
        assertEquals("image", d.category());
        assertEquals(List.of(ValueType.IMAGE, ValueType.MASK), d.outputs().stream().map(o -> o.type()).toList());
    }

    @Test
    void offersTheOutputImagesNewestFirstAndLoadsOne() throws IOException {
        write("Tessera_00001_.png", 0x336699, 1_000_000L);
        write("Tessera_00002_.png", 0xFF0000, 3_000_000L);
        write("other.png", 0x00FF00, 2_000_000L);
        Files.writeString(folders.output().resolve("notes.txt"), "not an image");
        Files.copy(folders.output().resolve("other.png"), folders.input().resolve("input-only.png"));
        Widget.ComboWidget combo = (Widget.ComboWidget) node.descriptor().input("image").orElseThrow().widget();
        assertEquals(List.of("Tessera_00002_.png [output]", "other.png [output]", "Tessera_00001_.png [output]"),
                combo.currentOptions());
        assertTrue(combo.imageUpload());

        NodeResult r = node.execute(new MapInputs().with("image", "Tessera_00001_.png [output]"),
                new RecordingContext(scope));
        try (ImageBatch image = (ImageBatch) r.value(0); MaskBatch mask = (MaskBatch) r.value(1)) {
            assertArrayEquals(new float[] {0x33 / 255f, 0x66 / 255f, 0x99 / 255f, 1f, 1f, 1f},
                    image.pixels().toFloatArray(), 1e-6f);
            assertEquals(64, mask.width(), "no alpha: ComfyUI's 64x64 zero mask");
        }
    }

    @Test
    void aNameLeavingTheFolderIsRefusedOnTheImageInput() {
        List<InputProblem> problems = node.validate(new MapInputs().with("image", "../secret.png [output]"));
        assertEquals(1, problems.size());
        assertEquals("image", problems.get(0).input());
    }
}
