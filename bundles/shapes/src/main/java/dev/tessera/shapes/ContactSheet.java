package dev.tessera.shapes;

import dev.tessera.layout.BoxMasks;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Images in a grid, each with its target boxes outlined, for looking at a batch of generated (or ground-truth)
 * images against their layouts. A box's frame is drawn outside it with a gap as wide as the frame (so a shape
 * filling its box stays visible, also in the frame's colour), in the palette colour the instance's phrase names, or {@link #NEUTRAL} when it names none. Images are
 * scaled by a whole factor without smoothing, so pixels stay visible. (The layout bundle's preview paints
 * layouts alone on a dark canvas; this draws over images.)
 */
public final class ContactSheet {

    /** The sheet's background, between the light scenes and the saturated outlines. */
    public static final int BACKGROUND = 0x808080;
    /** The outline of an instance whose phrase names no palette colour. */
    public static final int NEUTRAL = 0x202020;

    private ContactSheet() {}

    /** {@link #render(List, List, int, int)} at scale 1. */
    public static BufferedImage render(List<BufferedImage> images, List<Layout> targets, int columns) {
        return render(images, targets, columns, 1);
    }

    /**
     * The sheet: {@code columns} images a row, each scaled by {@code scale} in a cell the size of the largest,
     * {@code max(2, scale)} pixels apart; frames are {@code max(1, scale / 2)} pixels wide. {@code targets} is null (no boxes) or one layout per image, whose boxes
     * are drawn on that image's size.
     */
    public static BufferedImage render(List<BufferedImage> images, List<Layout> targets, int columns, int scale) {
        if (images.isEmpty()) throw new IllegalArgumentException("no images; expected at least one");
        if (columns < 1 || scale < 1) {
            throw new IllegalArgumentException("columns " + columns + " and scale " + scale + ": expected both >= 1");
        }
        if (targets != null && targets.size() != images.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + targets.size()
                    + " layouts; expected one layout per image");
        }
        int cellW = images.stream().mapToInt(BufferedImage::getWidth).max().orElseThrow() * scale;
        int cellH = images.stream().mapToInt(BufferedImage::getHeight).max().orElseThrow() * scale;
        int gap = Math.max(2, scale);
        int cols = Math.min(columns, images.size());
        int rows = (images.size() + cols - 1) / cols;
        BufferedImage sheet = new BufferedImage(cols * cellW + (cols + 1) * gap, rows * cellH + (rows + 1) * gap,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setColor(new Color(BACKGROUND));
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            int t = Math.max(1, scale / 2);
            for (int i = 0; i < images.size(); i++) {
                BufferedImage image = images.get(i);
                int ox = gap + (i % cols) * (cellW + gap);
                int oy = gap + (i / cols) * (cellH + gap);
                g.drawImage(image, ox, oy, image.getWidth() * scale, image.getHeight() * scale, null);
                if (targets == null) continue;
                for (Instance instance : targets.get(i).instances()) {
                    BoxMasks.PixelRect r = BoxMasks.pixelRect(instance.box(), image.getWidth(), image.getHeight());
                    g.setColor(new Color(MigTarget.colour(instance).map(PaletteColour::rgb).orElse(NEUTRAL)));
                    // A gap of t pixels between box and frame, so a square of the frame's colour stays apart from it.
                    outline(g, ox + r.x0() * scale - t, oy + r.y0() * scale - t, ox + r.x1() * scale + t,
                            oy + r.y1() * scale + t, t);
                }
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    /** A frame {@code t} pixels wide just outside the half-open rectangle [x0,x1) x [y0,y1). */
    private static void outline(Graphics2D g, int x0, int y0, int x1, int y1, int t) {
        g.fillRect(x0 - t, y0 - t, x1 - x0 + 2 * t, t);
        g.fillRect(x0 - t, y1, x1 - x0 + 2 * t, t);
        g.fillRect(x0 - t, y0, t, y1 - y0);
        g.fillRect(x1, y0, t, y1 - y0);
    }
}
