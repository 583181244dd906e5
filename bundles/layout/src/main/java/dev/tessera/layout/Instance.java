package dev.tessera.layout;

import java.util.Objects;
import java.util.Optional;

/**
 * One instance of a layout: its phrase (the sub-caption), its normalised box, and optionally a short label (as
 * ContextGen's data has), a mask refining the box, and a reference image of the subject. A {@link Layout} rejects an
 * instance whose phrase is blank, naming its index.
 */
public record Instance(String phrase, Box box, Optional<String> label, Optional<ImageSource> mask,
        Optional<ImageSource> reference) {

    public Instance {
        phrase = Objects.requireNonNull(phrase, "phrase").strip();
        Objects.requireNonNull(box, "box");
        label = Objects.requireNonNull(label, "label").map(String::strip).filter(s -> !s.isEmpty());
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(reference, "reference");
    }

    public static Instance of(String phrase, Box box) {
        return new Instance(phrase, box, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public Instance withBox(Box newBox) {
        return new Instance(phrase, newBox, label, mask, reference);
    }

    public Instance withLabel(String newLabel) {
        return new Instance(phrase, box, Optional.ofNullable(newLabel), mask, reference);
    }

    public Instance withMask(ImageSource newMask) {
        return new Instance(phrase, box, label, Optional.ofNullable(newMask), reference);
    }

    public Instance withReference(ImageSource newReference) {
        return new Instance(phrase, box, label, mask, Optional.ofNullable(newReference));
    }
}
