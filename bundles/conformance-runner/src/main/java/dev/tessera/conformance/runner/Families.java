package dev.tessera.conformance.runner;

import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.runner.internal.SchedulersFamily;
import dev.tessera.conformance.runner.internal.TokenizersFamily;
import java.util.List;

/**
 * The families this bundle implements, for use without OSGi (tests, {@link ConformanceCommand#main}). In OSGi
 * each is also a DS component providing {@link ConformanceFamily}; a test checks that the two lists agree.
 */
public final class Families {

    private Families() {}

    /** One new instance of each built-in family. */
    public static List<ConformanceFamily> builtin() {
        return List.of(new SchedulersFamily(), new TokenizersFamily());
    }
}
