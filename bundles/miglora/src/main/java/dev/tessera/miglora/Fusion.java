package dev.tessera.miglora;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the instances' encoder features (skips and middle output) are combined before the decoder runs once (the
 * paper's "combine"; HiCo's {@code fuse_type}).
 */
public enum Fusion {
    /** Element-wise sum over all instances, the global one included. */
    SUM,
    /** Mean over all instances, the global one included (the released code). */
    AVG,
    /**
     * Each instance's features weighted by its box mask at the feature's resolution, the global pass filling what
     * the boxes leave: {@code (max(0, 1 - c) F_0 + sum_i m_i F_i) / max(1, c)} with {@code c = sum_i m_i}; outside
     * every box that is exactly {@code F_0}, where boxes overlap their features are averaged by coverage.
     */
    MASK;

    /** The names a node offers: {@code sum}, {@code avg}, {@code mask}. */
    public static List<String> names() {
        return Arrays.stream(values()).map(Fusion::id).toList();
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws MigLoraException naming the accepted values */
    public static Fusion of(String name) {
        for (Fusion f : values()) {
            if (f.id().equals(name)) {
                return f;
            }
        }
        throw new MigLoraException("fusion '" + name + "' is not one of " + names());
    }
}
