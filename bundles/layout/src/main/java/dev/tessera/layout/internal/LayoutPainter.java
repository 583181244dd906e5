package dev.tessera.layout.internal;

import dev.tessera.layout.BoxMasks;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a layout for the user to check before generating: each instance's box in its own colour (a translucent
 * fill, an opaque outline, a tag with its index and phrase), and the caption in a band at the bottom. Boxes cover
 * exactly the pixels of {@link BoxMasks#pixelRect}, so the picture matches the masks. Plain Java2D.
 */
public final class LayoutPainter {

    /** A dark neutral, so light and saturated box colours both stand out. */
    public static final int BACKGROUND = 0x202020;
    /** How much of a box's colour its interior takes. */
    public static final float FILL_ALPHA = 0.25f;
    /** How dark the caption band makes what is under it. */
    public static final float BAND_ALPHA = 0.65f;
    /**
     * Distinct colours (Sasha Trubetskoy's list without navy, grey, black and white, which vanish on the background);
     * instances beyond it get hues a golden angle apart.
     */
    private static final int[] PALETTE = {
        0xE6194B, 0x3CB44B, 0xFFE119, 0x4363D8, 0xF58231, 0x911EB4, 0x42D4F4, 0xF032E6, 0xBFEF45,
        0xFABED4, 0x469990, 0xDCBEFF, 0x9A6324, 0xFFFAC8, 0x800000, 0xAAFFC3, 0x808000, 0xFFD8B1
    };
    private static final int MAX_CAPTION_LINES = 3;
    private static final String ELLIPSIS = "\u2026";

    private LayoutPainter() {}

    /** The colour of instance {@code index}, 0xRRGGBB. */
    public static int colour(int index) {
        if (index < PALETTE.length) return PALETTE[index];
        float hue = (float) ((index - PALETTE.length) * 0.6180339887 % 1.0);
        return Color.HSBtoRGB(hue, 0.65f, 0.95f) & 0xFFFFFF;
    }

    /** The layout drawn on a {@code width} x {@code height} canvas, as an opaque RGB image. */
    public static BufferedImage paint(Layout layout, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("canvas " + width + "x" + height + " is not positive; expected width"
                    + " and height > 0");
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(new Color(BACKGROUND));
            g.fillRect(0, 0, width, height);
            List<BoxMasks.PixelRect> rects = new ArrayList<>();
            for (Instance instance : layout.instances()) rects.add(BoxMasks.pixelRect(instance.box(), width, height));
            // Fills, then outlines, then tags: an overlapping box never hides another's outline or tag.
            for (int i = 0; i < rects.size(); i++) fill(g, rects.get(i), colour(i));
            int stroke = Math.max(2, Math.round(Math.min(width, height) / 256f));
            for (int i = 0; i < rects.size(); i++) outline(g, rects.get(i), colour(i), stroke);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, fontSize(width, height)));
            for (int i = 0; i < rects.size(); i++) {
                tag(g, rects.get(i), colour(i), i + ":", layout.instance(i).phrase(), width);
            }
            caption(g, layout.caption(), width, height);
        } finally {
            g.dispose();
        }
        return image;
    }

    static int fontSize(int width, int height) {
        return Math.max(10, Math.min(64, Math.round(Math.min(width, height) / 28f)));
    }

    private static void fill(Graphics2D g, BoxMasks.PixelRect r, int rgb) {
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, FILL_ALPHA));
        g.setColor(new Color(rgb));
        g.fillRect(r.x0(), r.y0(), r.x1() - r.x0(), r.y1() - r.y0());
        g.setComposite(AlphaComposite.SrcOver);
    }

    /** The outline lies inside the box, so it marks the box's own pixels. */
    private static void outline(Graphics2D g, BoxMasks.PixelRect r, int rgb, int stroke) {
        int w = r.x1() - r.x0();
        int h = r.y1() - r.y0();
        int t = Math.min(stroke, Math.max(1, Math.min(w, h) / 2));
        g.setColor(new Color(rgb));
        g.fillRect(r.x0(), r.y0(), w, t);
        g.fillRect(r.x0(), r.y1() - t, w, t);
        g.fillRect(r.x0(), r.y0(), t, h);
        g.fillRect(r.x1() - t, r.y0(), t, h);
    }

    /**
     * The index and phrase on a tag of the box's colour at its top left, the phrase shortened to fit the box; only
     * a box narrower than its index gets a wider tag.
     */
    private static void tag(Graphics2D g, BoxMasks.PixelRect r, int rgb, String index, String phrase,
            int canvasWidth) {
        FontMetrics fm = g.getFontMetrics();
        int pad = Math.max(2, fm.getHeight() / 6);
        int room = Math.max(r.x1() - r.x0() - 2 * pad, fm.stringWidth(index + " " + ELLIPSIS));
        String shown = fit(index + " " + phrase, fm, Math.min(room, canvasWidth - 2 * pad));
        int w = fm.stringWidth(shown) + 2 * pad;
        int h = fm.getHeight();
        int x = Math.max(0, Math.min(r.x0(), canvasWidth - w));
        g.setColor(new Color(rgb));
        g.fillRect(x, r.y0(), w, h);
        g.setColor(luminance(rgb) > 0.55 ? Color.BLACK : Color.WHITE);
        g.drawString(shown, x + pad, r.y0() + fm.getAscent());
    }

    /** The caption wrapped into at most three lines on a darkened band at the bottom. */
    private static void caption(Graphics2D g, String caption, int width, int height) {
        if (caption.isEmpty()) return;
        FontMetrics fm = g.getFontMetrics();
        int pad = Math.max(2, fm.getHeight() / 4);
        int maxLines = Math.max(1, Math.min(MAX_CAPTION_LINES, (height / 2 - 2 * pad) / fm.getHeight()));
        List<String> lines = wrap(caption, fm, width - 2 * pad, maxLines);
        int band = lines.size() * fm.getHeight() + 2 * pad;
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, BAND_ALPHA));
        g.setColor(Color.BLACK);
        g.fillRect(0, height - band, width, band);
        g.setComposite(AlphaComposite.SrcOver);
        g.setColor(Color.WHITE);
        for (int i = 0; i < lines.size(); i++) {
            g.drawString(lines.get(i), pad, height - band + pad + i * fm.getHeight() + fm.getAscent());
        }
    }

    /** Words into lines no wider than {@code room}; the last line ends with an ellipsis when words are left over. */
    static List<String> wrap(String text, FontMetrics fm, int room, int maxLines) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        String[] words = text.strip().split("\\s+");
        int i = 0;
        while (i < words.length && lines.size() < maxLines) {
            String candidate = line.length() == 0 ? words[i] : line + " " + words[i];
            if (fm.stringWidth(candidate) <= room || line.length() == 0) {
                line.setLength(0);
                line.append(candidate);
                i++;
            } else {
                lines.add(line.toString());
                line.setLength(0);
            }
        }
        if (line.length() > 0 && lines.size() < maxLines) lines.add(line.toString());
        lines.replaceAll(l -> fit(l, fm, room));
        if (i < words.length) {
            int last = lines.size() - 1;
            lines.set(last, fit(lines.get(last) + ELLIPSIS, fm, room));
        }
        return lines;
    }

    /** {@code text}, or its longest prefix with an ellipsis that fits {@code room} pixels. */
    static String fit(String text, FontMetrics fm, int room) {
        if (fm.stringWidth(text) <= room) return text;
        for (int end = text.length() - 1; end > 0; end--) {
            String shorter = text.substring(0, end).stripTrailing() + ELLIPSIS;
            if (fm.stringWidth(shorter) <= room) return shorter;
        }
        return text.isEmpty() ? text : text.substring(0, 1) + ELLIPSIS;
    }

    private static double luminance(int rgb) {
        return (0.299 * (rgb >> 16 & 0xFF) + 0.587 * (rgb >> 8 & 0xFF) + 0.114 * (rgb & 0xFF)) / 255;
    }
}
