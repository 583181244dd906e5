package dev.tessera.image.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.NodeException;
import dev.tessera.image.MaskBatch;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoadImageMask: one channel of a file as MASK, alpha inverted, as ComfyUI. */
class LoadImageMaskNodeTest {

    @TempDir
    Path root;

    private CpuRuntime runtime;
    private RunScope scope;
    private LoadImageMaskNode node;

    @BeforeEach
    void setUp() throws Exception {
        DirFolders folders = new DirFolders(root);
        runtime = new CpuRuntime();
        scope = new RunScope();
        node = new LoadImageMaskNode(folders, runtime);
        Files.createDirectories(folders.input());
        // 2x1: (a 128, r 10, g 200, b 30) and (a 0, r 255, g 0, b 51).
        BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x800AC81E);
        rgba.setRGB(1, 0, 0x00FF0033);
        ImageIO.write(rgba, "png", folders.input().resolve("rgba.png").toFile());
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0x0AC81E);
        ImageIO.write(rgb, "png", folders.input().resolve("rgb.png").toFile());
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        runtime.close();
    }

    private float[] mask(String file, String channel) {
        try (MaskBatch mask = (MaskBatch) node.execute(new MapInputs().with("image", file).with("channel", channel),
                new RecordingContext(scope)).value(0)) {
            assertEquals(new Shape(1, 1, 2), mask.values().getShape());
            return mask.values().toFloatArray();
        }
    }

    @Test
    void eachChannelAsAMaskWithAlphaInverted() {
        assertArrayEquals(new float[] {10 / 255f, 1f}, mask("rgba.png", "red"));
        assertArrayEquals(new float[] {200 / 255f, 0f}, mask("rgba.png", "green"));
        assertArrayEquals(new float[] {30 / 255f, 51 / 255f}, mask("rgba.png", "blue"));
        assertArrayEquals(new float[] {1f - 128 / 255f, 1f}, mask("rgba.png", "alpha"));
        assertArrayEquals(new float[] {0f, 0f}, mask("rgb.png", "alpha"), "an opaque file masks nothing");
        assertArrayEquals(new float[] {10 / 255f, 0f}, mask("rgb.png", "red"));
    }

    @Test
    void aMissingFileIsAnErrorOnItsInput() {
        assertEquals(1, node.validate(new MapInputs().with("image", "nope.png")).size());
        NodeException e = assertThrows(NodeException.class, () -> node.execute(new MapInputs()
                .with("image", "nope.png").with("channel", "red"), new RecordingContext(scope)));
        assertEquals("image", e.inputName());
    }
}
