package dev.tessera.sampling.internal;

/**
 * The beta distribution's cumulative distribution (the regularized incomplete beta function, by its continued
 * fraction) and its inverse (bisection to double precision), for ComfyUI's {@code beta} scheduler, which takes
 * {@code scipy.stats.beta.ppf}.
 */
public final class BetaDistribution {

    private static final int MAX_TERMS = 500;
    private static final double EPS = 1e-15;
    private static final double TINY = 1e-300;

    private BetaDistribution() {}

    /** {@code P(X <= x)} for X ~ Beta(a, b), a, b > 0. */
    public static double cdf(double x, double a, double b) {
        checkShape(a, b);
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        // The continued fraction converges fast for x below the mean; above it, use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a).
        if (x < (a + 1) / (a + b + 2)) {
            return front * continuedFraction(x, a, b) / a;
        }
        return 1 - front * continuedFraction(1 - x, b, a) / b;
    }

    /** The x with {@code cdf(x) = p}, p in [0, 1]. */
    public static double ppf(double p, double a, double b) {
        checkShape(a, b);
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("a probability lies in [0, 1], got " + p);
        }
        if (p == 0) {
            return 0;
        }
        if (p == 1) {
            return 1;
        }
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 200 && hi - lo > 1e-16; i++) {
            double mid = 0.5 * (lo + hi);
            if (cdf(mid, a, b) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** Lentz's method for the continued fraction of I_x(a, b) (Numerical Recipes' betacf). */
    private static double continuedFraction(double x, double a, double b) {
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        d = Math.abs(d) < TINY ? TINY : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= MAX_TERMS; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < TINY ? TINY : d;
            c = 1 + aa / c;
            c = Math.abs(c) < TINY ? TINY : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < TINY ? TINY : d;
            c = 1 + aa / c;
            c = Math.abs(c) < TINY ? TINY : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < EPS) {
                return h;
            }
        }
        return h;
    }

    /** Lanczos approximation (g = 7, 9 terms), accurate to about 1e-15 for positive arguments. */
    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        double z = x - 1;
        double sum = g[0];
        for (int i = 1; i < g.length; i++) {
            sum += g[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }

    private static void checkShape(double a, double b) {
        if (!(a > 0 && b > 0) || Double.isInfinite(a) || Double.isInfinite(b)) {
            throw new IllegalArgumentException("beta shape parameters must be positive and finite, got " + a + ", "
                    + b);
        }
    }
}
