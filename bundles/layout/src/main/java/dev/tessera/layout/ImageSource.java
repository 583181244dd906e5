package dev.tessera.layout;

import dev.tessera.graph.api.ValueType;
import java.util.Objects;

/**
 * Where an instance's mask or reference image (or a layout image) comes from, without this bundle decoding it.
 *
 * <p>Why a reference and not pixels: readers run at the edge with no tensor scope and must not decode images while
 * parsing text, and the value and its readers must not depend on the image bundle (masks are math over boxes;
 * images are another concern). The node that turns a layout into conditioning resolves a {@link File} against the folder it
 * was read from, or takes a {@link Value} produced by another node, inside its own tensor scope.
 */
public sealed interface ImageSource permits ImageSource.File, ImageSource.Value {

    /** A path as written in the source document; relative paths are resolved by whoever loads it. */
    record File(String path) implements ImageSource {
        public File {
            Objects.requireNonNull(path, "path");
            if (path.isBlank()) {
                throw new InvalidLayoutException(-1, "image path is empty; expected a file name");
            }
        }

        @Override
        public String toString() {
            return "file " + path;
        }
    }

    /**
     * A value from the graph (an {@code IMAGE} or {@code MASK} output) held by reference; the host's output cache
     * owns it, the layout never closes it.
     */
    record Value(ValueType type, Object value) implements ImageSource {
        public Value {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, "value");
        }

        /** The value as {@code kind}, or an error naming what it is instead. */
        public <T> T as(Class<T> kind) {
            if (!kind.isInstance(value)) {
                throw new InvalidLayoutException(-1, type + " value is a " + value.getClass().getName()
                        + "; expected a " + kind.getName());
            }
            return kind.cast(value);
        }

        @Override
        public String toString() {
            return type + " value";
        }
    }
}
