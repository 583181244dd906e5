package dev.tessera.contextgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The CONTEXTGEN_LAYOUT value: the caption, the output size, the instances (phrase, pixel box, reference) and an
 * optional user layout image. Everything is checked when it is built, before any compute: the output size must be
 * a multiple of 16, every box inside the canvas, every reference a multiple of 16 with some foreground, and the
 * layout image the output's size. Instance i's reference is reference slot {@code k} where k counts the instances
 * before i that have one; an instance without a reference still has its box but adds no tokens. Immutable.
 */
public final class ContextGenLayout {

    /** One instance: its sub-caption, its box in output pixels, and its (already sized) reference if any. */
    public record Entry(String phrase, double x1, double y1, double x2, double y2, Optional<Reference> reference) {
        public Entry {
            Objects.requireNonNull(phrase, "phrase");
            Objects.requireNonNull(reference, "reference");
        }
    }

    private final String caption;
    private final TokenGrid canvas;
    private final List<Entry> instances;
    private final List<PixelBox> pixelBoxes;
    private final List<TokenBox> boxes;
    private final Optional<float[]> layoutImage;

    private ContextGenLayout(String caption, TokenGrid canvas, List<Entry> instances, float[] layoutImage) {
        this.caption = caption;
        this.canvas = canvas;
        this.instances = List.copyOf(instances);
        List<PixelBox> px = new ArrayList<>();
        List<TokenBox> b = new ArrayList<>();
        for (int i = 0; i < instances.size(); i++) {
            Entry e = instances.get(i);
            PixelBox box = PixelBox.of("instance " + i, e.x1(), e.y1(), e.x2(), e.y2(), canvas);
            px.add(box);
            b.add(box.tokens());
            if (e.reference().isPresent()) e.reference().get().grid("reference of instance " + i);
        }
        this.pixelBoxes = List.copyOf(px);
        this.boxes = List.copyOf(b);
        this.layoutImage = Optional.ofNullable(layoutImage).map(float[]::clone);
    }

    /**
     * @param caption the global caption (before the Kontext template)
     * @param width output width in pixels, a multiple of 16
     * @param height output height in pixels, a multiple of 16
     * @param instances in order
     * @param layoutImage the user's layout image {@code [height, width, 3]} in [0, 1], or null to composite one
     * @throws InvalidContextGenInputException naming the instance, reference or size at fault
     */
    public static ContextGenLayout of(String caption, int width, int height, List<Entry> instances,
            float[] layoutImage) {
        TokenGrid canvas = TokenGrid.ofPixels("output", width, height);
        if (layoutImage != null && layoutImage.length != width * height * 3) {
            throw new InvalidContextGenInputException("layout image", "has " + layoutImage.length / 3
                    + " pixels; expected the output's " + width + "x" + height);
        }
        return new ContextGenLayout(Objects.requireNonNull(caption, "caption"), canvas, instances, layoutImage);
    }

    public String caption() {
        return caption;
    }

    /** The caption in the Kontext edit template: what the text encoders get. */
    public String prompt() {
        return KontextCaption.template(caption);
    }

    public int width() {
        return canvas.pixelWidth();
    }

    public int height() {
        return canvas.pixelHeight();
    }

    public TokenGrid canvas() {
        return canvas;
    }

    public List<Entry> instances() {
        return instances;
    }

    /** Instance i's box in whole output pixels (truncated and clipped as the released inference does). */
    public PixelBox pixelBox(int i) {
        return pixelBoxes.get(i);
    }

    /** Instance i's box on the token grid. */
    public TokenBox tokenBox(int i) {
        return boxes.get(i);
    }

    /** The references in sequence order (instances without one skipped). */
    public List<Reference> references() {
        List<Reference> refs = new ArrayList<>();
        for (Entry e : instances) e.reference().ifPresent(refs::add);
        return refs;
    }

    public Optional<float[]> layoutImage() {
        return layoutImage.map(float[]::clone);
    }

    /** The sequence for {@code textTokens} text tokens (512 for FLUX.1's T5). */
    public ContextGenSequence sequence(int textTokens) {
        List<ReferenceSlot> slots = new ArrayList<>();
        int k = 0;
        for (int i = 0; i < instances.size(); i++) {
            Optional<Reference> r = instances.get(i).reference();
            if (r.isEmpty()) continue;
            String where = "reference " + k++ + " (instance " + i + ")";
            slots.add(new ReferenceSlot(boxes.get(i), r.get().grid(where), r.get().foregroundTokens(where)));
        }
        return ContextGenSequence.of(textTokens, canvas, slots);
    }

    /**
     * The layout image: the user's if given, else the composite of the references (Instance Layering
     * Prioritization), {@code [height, width, 3]} in [0, 1].
     */
    public float[] layoutImageOrComposite() {
        if (layoutImage.isPresent()) return layoutImage.get().clone();
        List<LayoutCompositor.Placement> placements = new ArrayList<>();
        for (int i = 0; i < instances.size(); i++) {
            PixelBox b = pixelBoxes.get(i);
            instances.get(i).reference().ifPresent(r -> placements.add(new LayoutCompositor.Placement(r, b.x1(),
                    b.y1(), b.x2(), b.y2())));
        }
        return LayoutCompositor.compose(width(), height(), placements).rgb();
    }

    /**
     * The context images ContextGenApply VAE-encodes, in sequence order after the main image: the layout image
     * ({@link #layoutImageOrComposite}), then each reference's {@link Reference#maskedRgb}; each {@code [1, H, W, 3]}
     * in [0, 1] of {@code dtype} on {@code manager}'s device (IMAGE layout, as the VAE nodes take it).
     */
    public java.util.List<ai.djl.ndarray.NDArray> contextImages(ai.djl.ndarray.NDManager manager,
            ai.djl.ndarray.types.DataType dtype) {
        java.util.List<ai.djl.ndarray.NDArray> out = new ArrayList<>();
        out.add(image(manager, dtype, layoutImageOrComposite(), width(), height()));
        for (Reference r : references()) out.add(image(manager, dtype, r.maskedRgb(), r.width(), r.height()));
        return out;
    }

    private static ai.djl.ndarray.NDArray image(ai.djl.ndarray.NDManager manager, ai.djl.ndarray.types.DataType dtype,
            float[] rgb, int w, int h) {
        ai.djl.ndarray.NDArray f32 = manager.create(java.nio.FloatBuffer.wrap(rgb),
                new ai.djl.ndarray.types.Shape(1, h, w, 3), ai.djl.ndarray.types.DataType.FLOAT32);
        if (dtype == ai.djl.ndarray.types.DataType.FLOAT32) return f32;
        ai.djl.ndarray.NDArray cast = f32.toType(dtype, false);
        f32.close();
        return cast;
    }

    @Override
    public String toString() {
        return "ContextGenLayout[" + width() + "x" + height() + ", " + instances.size() + " instances, "
                + references().size() + " references" + (layoutImage.isPresent() ? ", layout image" : "") + "]";
    }
}
