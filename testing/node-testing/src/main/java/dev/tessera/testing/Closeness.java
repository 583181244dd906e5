package dev.tessera.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The comparison the conformance pack asks for: relative L2 error {@code ||actual - expected|| / ||expected||},
 * computed in float64. Failures are {@link AssertionError}s, so test frameworks report them as failed checks.
 */
public final class Closeness {

    private Closeness() {}

    public static double relativeError(NDArray actual, NDArray expected) {
        if (!expected.getShape().equals(actual.getShape())) {
            throw new AssertionError("shape: expected " + expected.getShape() + " but was " + actual.getShape());
        }
        return relativeError(actual.toType(DataType.FLOAT64, true).toDoubleArray(),
                expected.toType(DataType.FLOAT64, true).toDoubleArray());
    }

    /** The same over values already read out (same length). */
    public static double relativeError(double[] a, double[] e) {
        if (a.length != e.length) {
            throw new AssertionError("length: expected " + e.length + " but was " + a.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < e.length; i++) {
            diff += (a[i] - e[i]) * (a[i] - e[i]);
            norm += e[i] * e[i];
        }
        return Math.sqrt(diff / norm);
    }

    /** Asserts the relative error is within {@code tolerance} and prints it (the figures go in the test log). */
    public static void assertClose(String what, NDArray actual, NDArray expected, double tolerance) {
        double error = relativeError(actual, expected);
        System.out.printf("%-60s relative L2 error %.3e (tolerance %.0e)%n", what, error, tolerance);
        if (!(error <= tolerance)) {
            throw new AssertionError(what + ": relative L2 error " + error + " exceeds " + tolerance);
        }
    }
}
