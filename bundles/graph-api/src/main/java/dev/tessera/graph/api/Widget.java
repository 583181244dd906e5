package dev.tessera.graph.api;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** How an input takes a literal value in an editor, and the range the host enforces before running. */
public sealed interface Widget {

    /** The value used when a workflow leaves the input out (boxed), or null when there is none. */
    Object defaultLiteral();

    /**
     * Whole numbers in [min, max]; {@code step} is the editor's increment. A {@code max} of {@link #UNSIGNED_MAX}
     * with {@code min >= 0} is ComfyUI's seed range, up to 2^64-1 (0xffffffffffffffff): nodes receive such a value
     * as the {@code long} with the same 64 bits (2^64-1 arrives as -1).
     */
    record IntWidget(long defaultValue, long min, long max, long step) implements Widget {

        /** As {@code max}: the whole unsigned 64-bit range (2^64-1), ComfyUI's {@code 0xffffffffffffffff}. */
        public static final long UNSIGNED_MAX = -1L;

        public IntWidget {
            boolean unsigned = max == UNSIGNED_MAX && min >= 0;
            if (min > max && !unsigned) throw new IllegalArgumentException("min " + min + " > max " + max);
            if (step <= 0) throw new IllegalArgumentException("step must be positive: " + step);
            if (unsigned ? Long.compareUnsigned(defaultValue, min) < 0 : defaultValue < min || defaultValue > max) {
                throw new IllegalArgumentException("default " + defaultValue + " outside [" + min + ", " + max + "]");
            }
        }

        /** Whether the range reaches 2^64-1 (see {@link #UNSIGNED_MAX}). */
        public boolean unsigned() {
            return max == UNSIGNED_MAX && min >= 0;
        }

        /** The maximum as a number: a {@code BigInteger} 2^64-1 when {@link #unsigned()}, else a {@code Long}. */
        public Number maxValue() {
            return unsigned() ? new java.math.BigInteger(Long.toUnsignedString(max)) : (Number) max;
        }

        @Override
        public Object defaultLiteral() {
            return defaultValue;
        }
    }

    /** Real numbers in [min, max]; {@code step} and {@code round} are the editor's increment and rounding. */
    record FloatWidget(double defaultValue, double min, double max, double step, double round) implements Widget {
        public FloatWidget {
            if (!(min <= max)) throw new IllegalArgumentException("min " + min + " > max " + max);
            if (!(step > 0)) throw new IllegalArgumentException("step must be positive: " + step);
            if (!(defaultValue >= min && defaultValue <= max)) {
                throw new IllegalArgumentException("default " + defaultValue + " outside [" + min + ", " + max + "]");
            }
        }

        @Override
        public Object defaultLiteral() {
            return defaultValue;
        }
    }

    record StringWidget(String defaultValue, boolean multiline) implements Widget {
        public StringWidget {
            Objects.requireNonNull(defaultValue, "defaultValue");
        }

        @Override
        public Object defaultLiteral() {
            return defaultValue;
        }
    }

    record BooleanWidget(boolean defaultValue) implements Widget {
        @Override
        public Object defaultLiteral() {
            return defaultValue;
        }
    }

    /**
     * One of a list of options. The options are read each time they are needed, so a list that follows the
     * files of a folder stays current while the host runs.
     */
    /**
     * @param imageUpload    ComfyUI's {@code image_upload}: editors offer an upload button that puts a file in the
     *                       input folder and selects it
     * @param acceptsUnlisted the options are suggestions: the host does not reject other values, and the node's own
     *                       {@link NodeType#validate} decides (ComfyUI's {@code VALIDATE_INPUTS}; e.g. LoadImage takes
     *                       {@code "name.png [output]"})
     */
    record ComboWidget(Supplier<List<String>> options, String defaultValue, boolean imageUpload, boolean acceptsUnlisted)
            implements Widget {
        public ComboWidget {
            Objects.requireNonNull(options, "options");
        }

        public ComboWidget(Supplier<List<String>> options, String defaultValue) {
            this(options, defaultValue, false, false);
        }

        /** A copy that editors show with an upload button and whose unlisted values the node validates itself. */
        public ComboWidget withImageUpload() {
            return new ComboWidget(options, defaultValue, true, true);
        }

        public static ComboWidget of(List<String> fixed) {
            List<String> copy = List.copyOf(fixed);
            return new ComboWidget(() -> copy, copy.isEmpty() ? null : copy.get(0));
        }

        public List<String> currentOptions() {
            List<String> now = options.get();
            return now == null ? List.of() : now;
        }

        /** The declared default if it is still an option, else the first option, else null. */
        @Override
        public Object defaultLiteral() {
            return currentDefault();
        }

        /** The declared default if it is still an option, else the first option, else null. */
        public String currentDefault() {
            List<String> now = currentOptions();
            if (defaultValue != null && now.contains(defaultValue)) return defaultValue;
            return now.isEmpty() ? null : now.get(0);
        }
    }
}
