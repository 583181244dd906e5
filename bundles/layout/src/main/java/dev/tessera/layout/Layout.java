package dev.tessera.layout;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The LAYOUT value: a global caption and any number of instances (no cap), with an optional canvas size hint in
 * pixels, an optional layout image (ContextGen's composite), and where it came from. Immutable.
 *
 * <p>The caption may be empty when the source has none (the paper's token format carries only sub-captions);
 * nodes then fall back to their prompt. Building a layout rejects blank phrases and a half-given or non-positive
 * size, naming the instance.
 */
public final class Layout {

    private final String caption;
    private final int width;
    private final int height;
    private final List<Instance> instances;
    private final Optional<ImageSource> layoutImage;
    private final LayoutSource source;

    private Layout(Builder b) {
        this.caption = b.caption;
        this.width = b.width;
        this.height = b.height;
        this.instances = List.copyOf(b.instances);
        this.layoutImage = Optional.ofNullable(b.layoutImage);
        this.source = b.source;
        for (int i = 0; i < instances.size(); i++) {
            if (instances.get(i).phrase().isEmpty()) {
                throw new InvalidLayoutException(i, "phrase is empty; expected a description of the instance");
            }
        }
    }

    /** A layout built by code with normalised boxes and no size hint. */
    public static Layout of(String caption, List<Instance> instances) {
        return builder(caption).addAll(instances).build();
    }

    public static Builder builder(String caption) {
        return new Builder(caption);
    }

    /** A builder holding this layout's values. */
    public Builder toBuilder() {
        Builder b = new Builder(caption).addAll(instances).source(source);
        if (width > 0) b.size(width, height);
        layoutImage.ifPresent(b::layoutImage);
        return b;
    }

    public String caption() {
        return caption;
    }

    /** The canvas width the source was written for, in pixels, when it gave one. */
    public OptionalInt width() {
        return width > 0 ? OptionalInt.of(width) : OptionalInt.empty();
    }

    /** The canvas height the source was written for, in pixels, when it gave one. */
    public OptionalInt height() {
        return height > 0 ? OptionalInt.of(height) : OptionalInt.empty();
    }

    public List<Instance> instances() {
        return instances;
    }

    public Instance instance(int index) {
        return instances.get(index);
    }

    public int size() {
        return instances.size();
    }

    public Optional<ImageSource> layoutImage() {
        return layoutImage;
    }

    /** The format read and the coordinate convention its numbers were in. */
    public LayoutSource source() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && caption.equals(l.caption) && width == l.width && height == l.height
                && instances.equals(l.instances) && layoutImage.equals(l.layoutImage) && source.equals(l.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(caption, width, height, instances, layoutImage, source);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Layout[caption=").append(caption);
        if (width > 0) s.append(", size=").append(width).append('x').append(height);
        s.append(", source=").append(source.format()).append('/').append(source.convention());
        for (int i = 0; i < instances.size(); i++) {
            s.append(", ").append(i).append(": ").append(instances.get(i).phrase()).append(' ')
                    .append(instances.get(i).box());
        }
        return s.append(']').toString();
    }

    /** Builds a {@link Layout}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final String caption;
        private final List<Instance> instances = new ArrayList<>();
        private int width;
        private int height;
        private ImageSource layoutImage;
        private LayoutSource source = LayoutSource.api();

        private Builder(String caption) {
            this.caption = Objects.requireNonNull(caption, "caption").strip();
        }

        /** The canvas size hint in pixels. */
        public Builder size(int w, int h) {
            if (w <= 0 || h <= 0) {
                throw new InvalidLayoutException(-1, "canvas size " + w + "x" + h + " is not positive; expected"
                        + " width and height > 0");
            }
            this.width = w;
            this.height = h;
            return this;
        }

        public Builder add(Instance instance) {
            instances.add(Objects.requireNonNull(instance, "instance"));
            return this;
        }

        public Builder add(String phrase, Box box) {
            return add(Instance.of(phrase, box));
        }

        public Builder addAll(List<Instance> more) {
            more.forEach(this::add);
            return this;
        }

        public Builder clearInstances() {
            instances.clear();
            return this;
        }

        public Builder layoutImage(ImageSource image) {
            this.layoutImage = image;
            return this;
        }

        public Builder source(LayoutSource from) {
            this.source = Objects.requireNonNull(from, "source");
            return this;
        }

        /** The number of instances added so far: the index the next one will get. */
        public int count() {
            return instances.size();
        }

        public Layout build() {
            return new Layout(this);
        }
    }
}
