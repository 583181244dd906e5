package dev.tessera.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.sampling.comfy.ComfySchedulers;
import dev.tessera.sampling.internal.BetaDistribution;
import org.junit.jupiter.api.Test;

/**
 * ComfyUI's {@code beta} scheduler: the beta distribution against closed forms and SciPy's {@code beta.ppf}, and the
 * table indices it picks against those SciPy gives for ComfyUI's formula.
 */
class BetaSchedulerTest {

    @Test
    void theDistributionMatchesClosedForms() {
        for (double x = 0.01; x < 1; x += 0.07) {
            assertEquals(x, BetaDistribution.cdf(x, 1, 1), 1e-13, "Beta(1, 1) is uniform");
            assertEquals(3 * x * x - 2 * x * x * x, BetaDistribution.cdf(x, 2, 2), 1e-13, "Beta(2, 2)");
            assertEquals(2 / Math.PI * Math.asin(Math.sqrt(x)), BetaDistribution.cdf(x, 0.5, 0.5), 1e-12,
                    "Beta(1/2, 1/2) is the arcsine distribution");
            double p = x;
            assertEquals(Math.pow(Math.sin(Math.PI * p / 2), 2), BetaDistribution.ppf(p, 0.5, 0.5), 1e-12,
                    "arcsine quantile");
            assertEquals(p, BetaDistribution.cdf(BetaDistribution.ppf(p, 0.6, 0.6), 0.6, 0.6), 1e-12, "round trip");
        }
        assertEquals(0.5, BetaDistribution.ppf(0.5, 0.6, 0.6), 1e-14, "symmetric");
        assertThrows(IllegalArgumentException.class, () -> BetaDistribution.ppf(1.5, 0.6, 0.6));
        assertThrows(IllegalArgumentException.class, () -> BetaDistribution.cdf(0.5, 0, 0.6));
    }

    @Test
    void quantilesMatchScipy() {
        // scipy.stats.beta.ppf([0.1, 0.25, 0.9], 0.6, 0.6), SciPy 1.17.1
        double[] expected = {0.03958440558878085, 0.17568037865269498, 0.9604155944112192};
        double[] p = {0.1, 0.25, 0.9};
        for (int i = 0; i < p.length; i++) {
            assertEquals(expected[i], BetaDistribution.ppf(p[i], 0.6, 0.6), 1e-12, "ppf(" + p[i] + ")");
        }
    }

    /**
     * numpy.rint(scipy.stats.beta.ppf(1 - numpy.linspace(0, 1, steps, endpoint=False), 0.6, 0.6) * last): SD1.x's
     * 1000 training sigmas (last 999) and FLUX's 10000-entry table (last 9999).
     */
    @Test
    void theScheduleTakesTheSigmasAtScipysIndices() {
        int[] sd10 = {999, 959, 876, 765, 637, 500, 362, 234, 123, 40};
        int[] flux20 = {9999, 9873, 9603, 9229, 8770, 8242, 7659, 7032, 6372, 5691, 5000, 4308, 3627, 2967, 2340,
            1757, 1229, 770, 396, 126};
        NoiseSchedule training = NoiseSchedule.stableDiffusion();
        Schedule sd = ComfySchedulers.named("beta", training, 10);
        double[] sdSigmas = new double[sd10.length + 1];
        for (int i = 0; i < sd10.length; i++) {
            sdSigmas[i] = training.sigma(sd10[i]);
        }
        assertArrayEquals(sdSigmas, sd.sigmas());
        assertEquals(Schedule.Kind.DIFFUSION, sd.kind());

        FlowShift shift = FlowShift.fluxForTokens(4096);
        Schedule flux = ComfySchedulers.named("beta", shift, 20);
        double[] fluxSigmas = new double[flux20.length + 1];
        for (int i = 0; i < flux20.length; i++) {
            fluxSigmas[i] = shift.sigma((flux20[i] + 1) / 10000.0);
        }
        assertArrayEquals(fluxSigmas, flux.sigmas(), 1e-7);
        assertEquals(Schedule.Kind.FLOW, flux.kind());
    }
}
