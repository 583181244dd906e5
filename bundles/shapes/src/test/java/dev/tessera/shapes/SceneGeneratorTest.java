package dev.tessera.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneGeneratorTest {

    private static final SceneGenerator GENERATOR = new SceneGenerator(SceneConfig.defaults());

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void aSceneDependsOnSeedAndIndexAlone() {
        // Another generator, asked in another order, gives the same scenes.
        SceneGenerator other = new SceneGenerator(SceneConfig.defaults());
        List<Scene> forward = new ArrayList<>();
        for (int i = 0; i < 20; i++) forward.add(GENERATOR.scene(42, i));
        for (int i = 19; i >= 0; i--) {
            Scene again = other.scene(42, i);
            assertEquals(forward.get(i), again);
            assertEquals(forward.get(i).layout(), again.layout());
            assertArrayEquals(pixels(forward.get(i).render()), pixels(again.render()));
        }
    }

    @Test
    void otherIndicesAndSeedsGiveOtherScenes() {
        Set<List<SceneObject>> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) assertTrue(seen.add(GENERATOR.scene(42, i).objects()), "index " + i);
        assertNotEquals(GENERATOR.scene(42, 0).objects(), GENERATOR.scene(43, 0).objects());
        assertFalse(java.util.Arrays.equals(pixels(GENERATOR.scene(42, 0).render()),
                pixels(GENERATOR.scene(42, 1).render())));
    }

    @Test
    void scenesFollowTheConfig() {
        int[] counts = new int[7];
        Set<PaletteColour> colours = new HashSet<>();
        Set<ShapeKind> shapes = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            Scene s = GENERATOR.scene(1, i);
            assertEquals(64, s.width());
            assertEquals(64, s.height());
            counts[s.objects().size()]++;
            for (SceneObject o : s.objects()) {
                int w = o.x2() - o.x1();
                int h = o.y2() - o.y1();
                assertTrue(w >= 14 && w <= 30 && h >= 14 && h <= 30, o.toString());
                assertTrue(h * 4 >= w * 3 && h * 3 <= w * 4, o + " is stretched beyond 3/4..4/3");
                assertTrue(o.x2() <= 64 && o.y2() <= 64, o.toString());
                colours.add(o.colour());
                shapes.add(o.shape());
            }
        }
        assertEquals(0, counts[0]);
        for (int n = 1; n <= 6; n++) assertTrue(counts[n] > 20, "scenes of " + n + " objects: " + counts[n]);
        assertEquals(Set.of(PaletteColour.values()), colours);
        assertEquals(Set.of(ShapeKind.values()), shapes);
    }

    @Test
    void benchmarkScenesHaveExactlyTheCount() {
        for (int n = 2; n <= 6; n++) {
            for (int i = 0; i < 20; i++) assertEquals(n, GENERATOR.scene(5, i, n).objects().size());
        }
        // The count drawn by scene(seed, index) given explicitly gives the same scene.
        Scene drawn = GENERATOR.scene(5, 3);
        assertEquals(drawn, GENERATOR.scene(5, 3, drawn.objects().size()));
    }

    @Test
    void sameColouredObjectsStayApart() {
        int pairs = 0;
        for (int i = 0; i < 300; i++) {
            List<SceneObject> objects = GENERATOR.scene(9, i, 6).objects();
            for (int a = 0; a < objects.size(); a++) {
                for (int b = a + 1; b < objects.size(); b++) {
                    SceneObject p = objects.get(a), q = objects.get(b);
                    if (p.colour() != q.colour()) continue;
                    pairs++;
                    // At least two background columns or rows between the boxes.
                    int gapX = Math.max(q.x1() - p.x2(), p.x1() - q.x2());
                    int gapY = Math.max(q.y1() - p.y2(), p.y1() - q.y2());
                    assertTrue(gapX >= 2 || gapY >= 2, p + " and " + q);
                }
            }
        }
        assertTrue(pairs > 100, "only " + pairs + " same-coloured pairs were checked");
    }

    @Test
    void theBackgroundIsLightAndVariedOrPlain() {
        Set<Integer> corners = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            Scene s = GENERATOR.scene(3, i);
            BufferedImage image = new Scene(64, 64, List.of(), s.background()).render();
            int[] px = pixels(image);
            corners.add(px[0] & 0xFFFFFF);
            for (int p : px) {
                int r = p >> 16 & 0xFF, g = p >> 8 & 0xFF, b = p & 0xFF;
                assertTrue(Math.min(r, Math.min(g, b)) >= 200, Integer.toHexString(p));
                assertTrue(Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) <= 40, Integer.toHexString(p));
            }
        }
        assertTrue(corners.size() > 40, "backgrounds barely vary: " + corners.size());
        SceneGenerator plain = new SceneGenerator(SceneConfig.defaults().withBackgroundVariation(false));
        assertEquals(Background.plain(), plain.scene(3, 0).background());
    }

    @Test
    void captionsHaveNoPositionWords() {
        Set<String> position = Set.of("left", "right", "top", "bottom", "above", "below", "under", "over", "next",
                "beside", "behind", "front", "center", "centre", "middle", "near", "on", "in", "of", "corner");
        for (int i = 0; i < 100; i++) {
            Scene s = GENERATOR.scene(11, i);
            for (String word : s.caption().toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                assertFalse(position.contains(word), s.caption());
            }
            // Only articles, "and", palette and shape words.
            for (String word : s.caption().split("[ ,]+")) {
                assertTrue(word.equals("a") || word.equals("and") || PaletteColour.fromWord(word).isPresent()
                        || ShapeKind.fromWord(word).isPresent(), word + " in " + s.caption());
            }
        }
    }

    /** The test: the detector finds every instance of 500 generated scenes, read back from the layouts. */
    @Test
    void theDetectorScoresPerfectlyOnFiveHundredScenes() {
        ShapeDetector detector = new ShapeDetector();
        ScoreTable table = new ScoreTable();
        for (int i = 0; i < 500; i++) {
            Scene s = GENERATOR.scene(2024, i);
            table.add("ground truth", MigScore.score(MigTarget.of(s.layout(), 64, 64), detector.detect(s.render())));
        }
        ScoreTable.Metrics all = table.overall("ground truth");
        assertEquals(500, all.images());
        assertEquals(1.0, all.isr());
        assertEquals(1.0, all.sr());
        assertTrue(all.miou() > 0.9, "mIoU " + all.miou());
    }

    @Test
    void crowdedScenesAreStillDetectable() {
        SceneGenerator crowded = new SceneGenerator(SceneConfig.defaults().withObjects(6, 6).withSides(20, 28));
        ShapeDetector detector = new ShapeDetector();
        for (int i = 0; i < 50; i++) {
            Scene s = crowded.scene(8, i);
            assertTrue(MigScore.score(MigTarget.of(s.objects()), detector.detect(s.render())).success(), s.toString());
        }
    }

    @Test
    void anImpossibleConfigSaysSo() {
        SceneGenerator impossible = new SceneGenerator(new SceneConfig(32, 32, 6, 6, 30, 32, false));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> impossible.scene(1, 7));
        assertTrue(e.getMessage().startsWith("no scene of 6 objects for seed 1, index 7 after"), e.getMessage());
    }

    @Test
    void configsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new SceneConfig(64, 64, 0, 6, 14, 30, true));
        assertThrows(IllegalArgumentException.class, () -> new SceneConfig(64, 64, 3, 2, 14, 30, true));
        assertThrows(IllegalArgumentException.class, () -> new SceneConfig(64, 64, 1, 6, 14, 65, true));
        assertThrows(IllegalArgumentException.class, () -> new SceneConfig(64, 64, 1, 6, 3, 30, true));
        SceneConfig big = SceneConfig.forSize(128, 96);
        assertEquals(21, big.minSide());
        assertEquals(45, big.maxSide());
    }
}
