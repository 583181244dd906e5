package dev.tessera.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import java.util.Objects;

/**
 * One output of a case compared with its reference.
 *
 * @param output the output's name (the case's tensor name)
 * @param kind how it was compared
 * @param error the relative L2 error {@code ||out - ref|| / ||ref||}, or for {@link Kind#EXACT} the number of
 *     elements that differ
 * @param tolerance the largest error that passes (0 for exact comparisons)
 */
public record Comparison(String output, Kind kind, double error, double tolerance) {

    /** How an output is compared. */
    public enum Kind {
        /** Floating outputs: relative L2 error at most the tolerance. */
        RELATIVE_L2,
        /** Integer and boolean outputs (token ids, masks, generations): every element equal. */
        EXACT
    }

    public Comparison {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(kind, "kind");
    }

    /** Whether the output is within tolerance; a NaN error never is. */
    public boolean passed() {
        return kind == Kind.EXACT ? error == 0 : error <= tolerance;
    }

    /** An already measured relative L2 error (e.g. the worst step of a trajectory). */
    public static Comparison relativeL2(String output, double error, Tolerance tolerance) {
        return new Comparison(output, Kind.RELATIVE_L2, error, tolerance.limit());
    }

    /**
     * Compares {@code actual} with {@code expected} by relative L2 error, in double precision on the host.
     *
     * @throws IllegalArgumentException naming the output when the shapes differ
     */
    public static Comparison relativeL2(String output, NDArray actual, NDArray expected, Tolerance tolerance) {
        requireSameShape(output, actual, expected);
        return relativeL2(output, relativeL2Error(doubles(actual), doubles(expected)), tolerance);
    }

    /** Compares two vectors (schedules, scalars) by relative L2 error; they must have the same length. */
    public static Comparison relativeL2(String output, double[] actual, double[] expected, Tolerance tolerance) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException("output '" + output + "': " + actual.length
                    + " values, the reference has " + expected.length);
        }
        return relativeL2(output, relativeL2Error(actual, expected), tolerance);
    }

    /**
     * Compares element by element for exact equality (integers and booleans compared as integers).
     *
     * @throws IllegalArgumentException naming the output when the shapes differ
     */
    public static Comparison exact(String output, NDArray actual, NDArray expected) {
        requireSameShape(output, actual, expected);
        long differ = 0;
        if (actual.getDataType().isFloating() || expected.getDataType().isFloating()) {
            double[] a = doubles(actual);
            double[] e = doubles(expected);
            for (int i = 0; i < a.length; i++) {
                differ += a[i] == e[i] ? 0 : 1;
            }
        } else {
            long[] a = longs(actual);
            long[] e = longs(expected);
            for (int i = 0; i < a.length; i++) {
                differ += a[i] == e[i] ? 0 : 1;
            }
        }
        return new Comparison(output, Kind.EXACT, differ, 0);
    }

    /**
     * {@code ||actual - expected|| / ||expected||}; 0 when both are zero, infinite when only the reference is,
     * NaN when {@code actual} holds a NaN.
     */
    public static double relativeL2Error(double[] actual, double[] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException(actual.length + " values compared with " + expected.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = actual[i] - expected[i];
            diff += d * d;
            norm += expected[i] * expected[i];
        }
        if (norm == 0) {
            return diff == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(diff / norm);
    }

    /** The relative L2 error of two arrays of the same shape, in double precision on the host. */
    public static double relativeL2Error(NDArray actual, NDArray expected) {
        requireSameShape("array", actual, expected);
        return relativeL2Error(doubles(actual), doubles(expected));
    }

    /** As a report shows it: {@code out=3.41e-07 (<=1e-04)}, {@code ids=exact}, {@code ids=3 differ}. */
    public String describe() {
        if (kind == Kind.EXACT) {
            return output + "=" + (error == 0 ? "exact" : String.format(Locale.ROOT, "%.0f differ", error));
        }
        return String.format(Locale.ROOT, "%s=%.2e (%s%.0e)", output, error, passed() ? "<=" : "> ", tolerance);
    }

    private static void requireSameShape(String output, NDArray actual, NDArray expected) {
        if (!actual.getShape().equals(expected.getShape())) {
            throw new IllegalArgumentException("output '" + output + "': shape " + actual.getShape()
                    + " differs from the reference's " + expected.getShape());
        }
    }

    private static double[] doubles(NDArray array) {
        try (NDArray cast = array.toType(DataType.FLOAT64, true)) {
            return cast.toDoubleArray();
        }
    }

    private static long[] longs(NDArray array) {
        try (NDArray cast = array.toType(DataType.INT64, true)) {
            return cast.toLongArray();
        }
    }
}
