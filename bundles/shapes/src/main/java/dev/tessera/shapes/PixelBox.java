package dev.tessera.shapes;

/** A pixel box, half-open: columns {@code x1 <= x < x2}, rows {@code y1 <= y < y2}. */
public record PixelBox(int x1, int y1, int x2, int y2) {

    public PixelBox {
        if (x1 >= x2 || y1 >= y2) {
            throw new IllegalArgumentException("pixel box (" + x1 + ", " + y1 + ", " + x2 + ", " + y2
                    + ") is empty or reversed; expected x1 < x2 and y1 < y2");
        }
    }

    public int width() {
        return x2 - x1;
    }

    public int height() {
        return y2 - y1;
    }

    public long area() {
        return (long) width() * height();
    }

    /** The pixels both boxes cover. */
    public long intersection(PixelBox o) {
        long w = Math.min(x2, o.x2) - Math.max(x1, o.x1);
        long h = Math.min(y2, o.y2) - Math.max(y1, o.y1);
        return w > 0 && h > 0 ? w * h : 0;
    }

    /** Intersection over union. */
    public double iou(PixelBox o) {
        long inter = intersection(o);
        return (double) inter / (area() + o.area() - inter);
    }

    /** Whether the IoU with {@code o} is at least one half, decided in integers (no rounding at exactly 0.5). */
    public boolean iouAtLeastHalf(PixelBox o) {
        long inter = intersection(o);
        return 2 * inter >= area() + o.area() - inter;
    }

    /** Whether the boxes come closer than {@code gap} pixels (0: share a pixel; 1: also touch side to side). */
    public boolean within(PixelBox o, int gap) {
        return x1 < o.x2 + gap && o.x1 < x2 + gap && y1 < o.y2 + gap && o.y1 < y2 + gap;
    }

    @Override
    public String toString() {
        return "[" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + ")";
    }
}
