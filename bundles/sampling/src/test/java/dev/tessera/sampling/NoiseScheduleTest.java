package dev.tessera.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoiseScheduleTest {

    private final NoiseSchedule sd = NoiseSchedule.stableDiffusion();

    /** alphā by hand in float64: betas linear in sqrt(beta) from sqrt(0.00085) to sqrt(0.012) over 1000 steps. */
    private static double handAlphaCumprod(int t) {
        double a = Math.sqrt(0.00085);
        double b = Math.sqrt(0.012);
        double product = 1;
        for (int i = 0; i <= t; i++) {
            double root = a + i * (b - a) / 999;
            product *= 1 - root * root;
        }
        return product;
    }

    @Test
    void cumulativeAlphasMatchAFloat64HandComputation() {
        for (int t : new int[] {0, 1, 250, 500, 999}) {
            double expected = handAlphaCumprod(t);
            assertEquals(expected, sd.alphaCumprod(t), expected * 2e-6, "alphā at " + t);
            double sigma = Math.sqrt((1 - expected) / expected);
            // diffusers forms 1 - alphā in float32: near t = 0 that cancellation costs ~3e-8 / (1 - alphā).
            assertEquals(sigma, sd.sigma(t), sigma * (2e-6 + 3e-8 / (1 - expected)), "sigma at " + t);
        }
        assertEquals(1 - 0.00085, sd.alphaCumprod(0), 1e-7);
    }

    @Test
    void sigmasRiseAndAlphasFallWithTheTimestep() {
        float[] sigmas = sd.sigmas();
        for (int t = 1; t < sigmas.length; t++) {
            assertTrue(sigmas[t] > sigmas[t - 1], "sigma must grow at " + t);
            assertTrue(sd.alphaCumprod(t) < sd.alphaCumprod(t - 1), "alphā must fall at " + t);
        }
        assertEquals(sigmas[0], sd.sigmaMin());
        assertEquals(sigmas[999], sd.sigmaMax());
    }

    @Test
    void linearBetasEndAtTheirConfiguredValues() {
        NoiseSchedule linear = NoiseSchedule.linear(1000, 0.0001, 0.02);
        assertEquals(1 - 0.0001, linear.alphaCumprod(0), 1e-7);
        double product = 1;
        for (int i = 0; i < 1000; i++) {
            product *= 1 - (0.0001 + i * (0.02 - 0.0001) / 999);
        }
        assertEquals(product, linear.alphaCumprod(999), product * 1e-4);
    }

    @Test
    void sigmaToTimestepInvertsInterpolationInLogSigma() {
        for (int t : new int[] {0, 1, 37, 500, 998, 999}) {
            assertEquals(t, sd.timestepOf(sd.sigma(t)), 1e-4, "integer timestep " + t);
            assertEquals(t, sd.nearestTimestep(sd.sigma(t)));
        }
        for (double t : new double[] {0.5, 123.25, 998.75}) {
            assertEquals(t, sd.timestepOf(sd.sigmaAtLogLinear(t)), 1e-4, "fractional timestep " + t);
        }
        assertEquals(0.0, sd.timestepOf(1e-6));
        assertEquals(999.0, sd.timestepOf(1e6));
    }

    @Test
    void linearInterpolationBetweenTrainingSigmas() {
        double mid = (sd.sigma(400) + (double) sd.sigma(401)) / 2;
        assertEquals(mid, sd.sigmaAt(400.5), 1e-12);
        assertEquals(sd.sigma(999), sd.sigmaAt(2000), 0);
    }

    @Test
    void rejectsUnusableConfigurations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.scaledLinear(1000, 0, 0.012));
        assertTrue(e.getMessage().contains("beta_start"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(1, 0.001, 0.02));
        e = assertThrows(IllegalArgumentException.class, () -> sd.sigma(1000));
        assertTrue(e.getMessage().contains("timestep 1000"), e.getMessage());
    }
}
