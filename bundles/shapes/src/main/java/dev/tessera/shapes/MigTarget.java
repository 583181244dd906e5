package dev.tessera.shapes;

import dev.tessera.layout.BoxMasks;
import dev.tessera.layout.Instance;
import dev.tessera.layout.InvalidLayoutException;
import dev.tessera.layout.Layout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** One instance to find in a generated image: its colour, its shape and its pixel box. */
public record MigTarget(PaletteColour colour, ShapeKind shape, PixelBox box) {

    public MigTarget {
        Objects.requireNonNull(colour, "colour");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(box, "box");
    }

    public static MigTarget of(SceneObject o) {
        return new MigTarget(o.colour(), o.shape(), o.box());
    }

    public static List<MigTarget> of(List<SceneObject> objects) {
        return objects.stream().map(MigTarget::of).toList();
    }

    /**
     * The targets of a layout on a {@code width} x {@code height} image (the image's size, which may differ from
     * the layout's hint): the colour is the palette word in the phrase, the shape the label when it is a shape word,
     * else the shape word in the phrase; the box covers the pixels {@link BoxMasks#pixelRect} gives.
     *
     * @throws InvalidLayoutException naming the instance when its phrase has no palette colour, or no shape
     */
    public static List<MigTarget> of(Layout layout, int width, int height) {
        List<MigTarget> targets = new ArrayList<>();
        for (int i = 0; i < layout.size(); i++) {
            Instance instance = layout.instance(i);
            final int index = i;
            PaletteColour colour = colour(instance).orElseThrow(() -> new InvalidLayoutException(index, "phrase '"
                    + instance.phrase() + "' names no palette colour; expected one of " + words(PaletteColour.values())));
            ShapeKind shape = shape(instance).orElseThrow(() -> new InvalidLayoutException(index, "neither the label"
                    + " nor the phrase '" + instance.phrase() + "' names a shape; expected one of "
                    + words(ShapeKind.values())));
            BoxMasks.PixelRect r = BoxMasks.pixelRect(instance.box(), width, height);
            targets.add(new MigTarget(colour, shape, new PixelBox(r.x0(), r.y0(), r.x1(), r.y1())));
        }
        return targets;
    }

    /** The palette colour named in the instance's phrase, if exactly one is. */
    public static Optional<PaletteColour> colour(Instance instance) {
        PaletteColour found = null;
        for (String word : words(instance.phrase())) {
            Optional<PaletteColour> c = PaletteColour.fromWord(word);
            if (c.isPresent()) {
                if (found != null && found != c.get()) return Optional.empty();
                found = c.get();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The shape of the instance: its label when that is a shape word, else the one shape word of its phrase. */
    public static Optional<ShapeKind> shape(Instance instance) {
        Optional<ShapeKind> labelled = instance.label().flatMap(ShapeKind::fromWord);
        if (labelled.isPresent()) return labelled;
        ShapeKind found = null;
        for (String word : words(instance.phrase())) {
            Optional<ShapeKind> s = ShapeKind.fromWord(word);
            if (s.isPresent()) {
                if (found != null && found != s.get()) return Optional.empty();
                found = s.get();
            }
        }
        return Optional.ofNullable(found);
    }

    private static String words(Enum<?>[] values) {
        return String.join(", ", java.util.Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList());
    }

    private static String[] words(String phrase) {
        return phrase.toLowerCase(Locale.ROOT).split("[^a-z]+");
    }
}
