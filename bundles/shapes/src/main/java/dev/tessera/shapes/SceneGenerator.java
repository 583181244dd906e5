package dev.tessera.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Makes scenes of the shapes world. A scene is a function of (seed, index) alone: its random stream is seeded from
 * both, so a dataset of N scenes can be made in any order, in parallel, or again later, and come out the same.
 *
 * <p>Each object gets a colour and a shape uniformly, a width uniformly in the side range and a height within 3/4
 * to 4/3 of it (so circles and squares stay recognisable), and a position uniformly on the canvas. A placement is
 * redrawn (up to {@value #PLACEMENT_TRIES} times) when it comes within {@value #SAME_COLOUR_GAP} pixels of an
 * object of the same colour (they would merge into one component, also after blur) or covers more than {@value
 * #MAX_OVERLAP} of the smaller of its own and an earlier object's box. The whole scene is then rendered and
 * redrawn (the stream goes on, so this is deterministic too) until {@link ShapeDetector} finds every object with
 * its colour, its shape and IoU >= 0.5: every instance of the ground truth is detectable.
 *
 * <p>Thread-safe (it holds no mutable state): threads may make scenes of one generator in parallel.
 */
public final class SceneGenerator {

    /** Same-coloured objects' boxes stay at least this many pixels apart. */
    public static final int SAME_COLOUR_GAP = 2;
    /** The most an object may cover of the smaller box of itself and an earlier object. */
    public static final double MAX_OVERLAP = 0.25;
    static final int PLACEMENT_TRIES = 200;
    static final int SCENE_ATTEMPTS = 500;

    private static final PaletteColour[] COLOURS = PaletteColour.values();
    private static final ShapeKind[] SHAPES = ShapeKind.values();

    private final SceneConfig config;
    private final ShapeDetector detector = new ShapeDetector();

    public SceneGenerator(SceneConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public SceneConfig config() {
        return config;
    }

    /** Scene {@code index} of the dataset {@code seed}, with a number of objects in the configured range. */
    public Scene scene(long seed, long index) {
        SplittableRandom random = random(seed, index);
        int count = random.nextInt(config.minObjects(), config.maxObjects() + 1);
        return generate(random, count, seed, index);
    }

    /**
     * Scene {@code index} of the dataset {@code seed} with exactly {@code objectCount} objects (benchmark levels:
     * COCO-MIG's L2 to L6 are 2 to 6 objects). When the count equals what {@link #scene(long, long)} would draw,
     * the scene is the same.
     */
    public Scene scene(long seed, long index, int objectCount) {
        if (objectCount < 1) {
            throw new IllegalArgumentException("object count " + objectCount + " is not positive; expected >= 1");
        }
        SplittableRandom random = random(seed, index);
        random.nextInt(config.minObjects(), config.maxObjects() + 1);
        return generate(random, objectCount, seed, index);
    }

    private Scene generate(SplittableRandom random, int count, long seed, long index) {
        for (int attempt = 0; attempt < SCENE_ATTEMPTS; attempt++) {
            List<SceneObject> objects = place(random, count);
            if (objects == null) continue;
            Background background = config.backgroundVariation() ? Background.random(random) : Background.plain();
            Scene scene = new Scene(config.width(), config.height(), objects, background);
            if (MigScore.score(MigTarget.of(objects), detector.detect(scene.render())).success()) return scene;
        }
        throw new IllegalStateException("no scene of " + count + " objects for seed " + seed + ", index " + index
                + " after " + SCENE_ATTEMPTS + " attempts in which every object stays detectable; expected fewer or"
                + " smaller objects for a " + config.width() + "x" + config.height() + " canvas (sides "
                + config.minSide() + ".." + config.maxSide() + ")");
    }

    /** The objects, or null when one could not be placed. */
    private List<SceneObject> place(SplittableRandom random, int count) {
        List<SceneObject> objects = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            PaletteColour colour = COLOURS[random.nextInt(COLOURS.length)];
            ShapeKind shape = SHAPES[random.nextInt(SHAPES.length)];
            SceneObject placed = null;
            for (int t = 0; t < PLACEMENT_TRIES && placed == null; t++) {
                PixelBox box = box(random);
                if (fits(box, colour, objects)) placed = new SceneObject(shape, colour, box);
            }
            if (placed == null) return null;
            objects.add(placed);
        }
        return objects;
    }

    private PixelBox box(SplittableRandom random) {
        int w = random.nextInt(config.minSide(), config.maxSide() + 1);
        int hMin = Math.max(config.minSide(), (int) Math.ceil(w * 3 / 4.0));
        int hMax = Math.min(Math.min(config.maxSide(), config.height()), (int) Math.floor(w * 4 / 3.0));
        int h = hMax >= hMin ? random.nextInt(hMin, hMax + 1) : hMin;
        int x = random.nextInt(0, config.width() - w + 1);
        int y = random.nextInt(0, config.height() - h + 1);
        return new PixelBox(x, y, x + w, y + h);
    }

    private static boolean fits(PixelBox box, PaletteColour colour, List<SceneObject> earlier) {
        for (SceneObject o : earlier) {
            PixelBox other = o.box();
            if (o.colour() == colour) {
                if (box.within(other, SAME_COLOUR_GAP)) return false;
            } else if (box.intersection(other) > MAX_OVERLAP * Math.min(box.area(), other.area())) {
                return false;
            }
        }
        return true;
    }

    /** The stream of scene (seed, index): splitmix64 of the seed, offset by the index, mixed again. */
    static SplittableRandom random(long seed, long index) {
        return new SplittableRandom(mix64(mix64(seed) + index));
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
