package dev.tessera.shapes;

import dev.tessera.layout.Box;
import dev.tessera.layout.CoordinateConvention;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.layout.LayoutSource;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.List;
import java.util.Objects;

/**
 * A scene of the shapes world: a {@code width} x {@code height} canvas, a background, and objects drawn in order
 * (later ones on top). Everything about its picture and layout follows from these values.
 */
public record Scene(int width, int height, List<SceneObject> objects, Background background) {

    /** The layout source of a scene's layout: made by this world, boxes in whole pixels. */
    public static final LayoutSource SOURCE = new LayoutSource("shapes", CoordinateConvention.PIXEL);

    public Scene {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("scene size " + width + "x" + height + " is not positive");
        }
        objects = List.copyOf(objects);
        Objects.requireNonNull(background, "background");
        for (int i = 0; i < objects.size(); i++) {
            SceneObject o = objects.get(i);
            if (o.x2() > width || o.y2() > height) {
                throw new IllegalArgumentException("object " + i + " box " + o.box() + " reaches outside the "
                        + width + "x" + height + " scene; expected x2 <= width and y2 <= height");
            }
        }
    }

    /** The phrases joined as a list: "a red circle, a blue square and a yellow triangle"; no position words. */
    public String caption() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < objects.size(); i++) {
            if (i > 0) s.append(i == objects.size() - 1 ? " and " : ", ");
            s.append(objects.get(i).phrase());
        }
        return s.toString();
    }

    /**
     * The scene as a Tessera layout: the caption, the canvas size, and per object its phrase, its shape word as the
     * label and its pixel box (normalised, as {@link Layout} holds boxes), in drawing order.
     */
    public Layout layout() {
        Layout.Builder layout = Layout.builder(caption()).size(width, height).source(SOURCE);
        for (int i = 0; i < objects.size(); i++) {
            SceneObject o = objects.get(i);
            layout.add(Instance.of(o.phrase(), Box.fromPixels(i, o.x1(), o.y1(), o.x2(), o.y2(), width, height))
                    .withLabel(o.label()));
        }
        return layout.build();
    }

    /** The picture: the background, then each object's pixels in its exact palette colour. */
    public BufferedImage render() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        background.paint(pixels, width, height);
        for (SceneObject o : objects) {
            int w = o.x2() - o.x1();
            boolean[] mask = ShapeRaster.mask(o.shape(), w, o.y2() - o.y1());
            int rgb = o.colour().rgb();
            for (int i = 0; i < mask.length; i++) {
                if (mask[i]) pixels[(o.y1() + i / w) * width + o.x1() + i % w] = rgb;
            }
        }
        return image;
    }
}
