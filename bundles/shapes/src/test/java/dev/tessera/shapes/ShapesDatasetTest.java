package dev.tessera.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.layout.LayoutDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapesDatasetTest {

    @TempDir
    Path dir;

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void scenesWrittenReadBackExactly() throws IOException {
        SceneGenerator generator = new SceneGenerator(SceneConfig.defaults());
        LayoutDataset dataset = ShapesDataset.write(dir, generator, 31, 25);
        assertTrue(Files.isRegularFile(dir.resolve(LayoutDataset.INDEX_FILE)));
        assertEquals(25, dataset.size());
        ShapeDetector detector = new ShapeDetector();
        for (int i = 0; i < 25; i++) {
            LayoutDataset.Entry entry = dataset.entry(i);
            assertEquals(LayoutDataset.name(i), entry.name());
            LayoutDataset.Sample sample = entry.read();
            Scene scene = generator.scene(31, i);
            assertArrayEquals(pixels(scene.render()), pixels(sample.image()), "entry " + i);
            assertEquals(scene.layout().caption(), sample.layout().caption());
            assertEquals(scene.layout().instances(), sample.layout().instances());
            assertTrue(MigScore.score(MigTarget.of(sample.layout(), 64, 64), detector.detect(sample.image())).success());
        }
    }
}
