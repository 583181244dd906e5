package dev.tessera.sampling;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.sampling.diffusers.DiffusersSchedulers;
import dev.tessera.sampling.diffusers.FinalSigma;
import dev.tessera.sampling.diffusers.TimestepSpacing;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * UniPC has no reference case in the pack: a three-step run derived by hand from the UniPC update formulas
 * (closed-form phi functions, Cramer's rule for the order-2 corrector), and its order of convergence.
 */
class UniPcTest {

    private final NoiseSchedule sd = NoiseSchedule.stableDiffusion();
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** The three latents after each step, element by element in float64. */
    private static double[][] handDerived(double xT, Schedule schedule, UniPcVariant variant) {
        double[] s = schedule.sigmas();
        double[] t = schedule.timesteps();
        double[] alpha = new double[4];
        double[] sig = new double[4];
        double[] lam = new double[4];
        for (int k = 0; k < 4; k++) {
            alpha[k] = 1 / Math.sqrt(1 + s[k] * s[k]);
            sig[k] = s[k] * alpha[k];
            lam[k] = Math.log(alpha[k] / sig[k]);
        }
        java.util.function.BiFunction<Double, Integer, Double> x0 =
                (x, k) -> (x - sig[k] * AnalyticModels.epsilon(x, t[k])) / alpha[k];
        java.util.function.DoubleUnaryOperator bOf =
                h -> variant == UniPcVariant.BH2 ? Math.exp(-h) - 1 : -h;
        java.util.function.DoubleUnaryOperator phi1 = h -> Math.exp(-h) - 1;

        double m0 = x0.apply(xT, 0);
        double h1 = lam[1] - lam[0];
        double x1 = sig[1] / sig[0] * xT - alpha[1] * phi1.applyAsDouble(h1) * m0; // UniP-1
        double m1 = x0.apply(x1, 1);
        // UniC-1: rho = 1/2 on the difference of the two x0 estimates.
        double x1c = sig[1] / sig[0] * xT - alpha[1] * phi1.applyAsDouble(h1) * m0
                - alpha[1] * bOf.applyAsDouble(h1) * 0.5 * (m1 - m0);
        double h2 = lam[2] - lam[1];
        double r = (lam[0] - lam[1]) / h2;
        // UniP-2 from the corrected point with rho = 1/2.
        double x2 = sig[2] / sig[1] * x1c - alpha[2] * phi1.applyAsDouble(h2) * m1
                - alpha[2] * bOf.applyAsDouble(h2) * 0.5 * (m0 - m1) / r;
        double m2 = x0.apply(x2, 2);
        // UniC-2: rho solves [[1, 1], [r, 1]] rho = (phi~1 / B, 2 phi~2 / B) with hh = -h.
        double hh = -h2;
        double g1 = (Math.exp(hh) - 1 - hh) / hh;
        double g2 = (Math.exp(hh) - 1 - hh - hh * hh / 2) / (hh * hh);
        double b = bOf.applyAsDouble(h2);
        double b1 = g1 / b;
        double b2 = 2 * g2 / b;
        double rho0 = (b1 - b2) / (1 - r);
        double rho1 = b1 - rho0;
        double x2c = sig[2] / sig[1] * x1c - alpha[2] * phi1.applyAsDouble(h2) * m1
                - alpha[2] * b * (rho0 * (m0 - m1) / r + rho1 * (m2 - m1));
        double h3 = lam[3] - lam[2];
        double x3 = sig[3] / sig[2] * x2c - alpha[3] * phi1.applyAsDouble(h3) * m2; // last step: order 1
        return new double[][] {{x1}, {x2}, {x3}};
    }

    @Test
    void threeStepsMatchTheHandDerivation() {
        Schedule schedule = DiffusersSchedulers.multistep(sd, 3, TimestepSpacing.LINSPACE, 0, false, FinalSigma.SIGMA_MIN);
        NDArray xT = TestLatents.latent(manager, 1, 2, 2, 2);
        float[] start = xT.toFloatArray();
        for (UniPcVariant variant : UniPcVariant.values()) {
            List<float[]> steps = new ArrayList<>();
            Samplers.uniPc(Prediction.EPSILON, 2, variant).sample(AnalyticModels.EPSILON, xT, schedule, null,
                    p -> steps.add(p.latent().toFloatArray()));
            for (int i = 0; i < 3; i++) {
                float[] expected = new float[start.length];
                for (int k = 0; k < start.length; k++) {
                    expected[k] = (float) handDerived(start[k], schedule, variant)[i][0];
                }
                double err = AnalyticModels.relativeL2(steps.get(i), expected);
                assertTrue(err < 1e-5, variant + " step " + i + ": relative L2 " + err);
            }
        }
    }

    /** Noise levels uniform in log sigma from 10 down to 0.1, with the model's matching fractional timesteps. */
    private Schedule logUniform(int steps) {
        double[] sigmas = new double[steps + 1];
        double[] timesteps = new double[steps];
        for (int k = 0; k <= steps; k++) {
            sigmas[k] = 10 * Math.pow(0.01, k / (double) steps);
            if (k < steps) {
                timesteps[k] = sd.timestepOf(sigmas[k]);
            }
        }
        return new Schedule(Schedule.Kind.DIFFUSION, timesteps, sigmas, false);
    }

    private float[] finalLatent(Sampler sampler, int steps) {
        NDArray xT = TestLatents.latent(manager, 1, 4, 4, 4);
        // Work in float64 so the convergence study measures the method, not float32 rounding.
        NDArray x = xT.toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
        return sampler.sample(AnalyticModels.EPSILON, x, logUniform(steps), null, null)
                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    }

    @Test
    void convergesAtLeastQuadratically() {
        float[] reference = finalLatent(Samplers.uniPc(Prediction.EPSILON, 2, UniPcVariant.BH2), 2048);
        for (int order = 1; order <= 3; order++) {
            Sampler sampler = Samplers.uniPc(Prediction.EPSILON, order, UniPcVariant.BH2);
            double e8 = AnalyticModels.relativeL2(finalLatent(sampler, 8), reference);
            double e16 = AnalyticModels.relativeL2(finalLatent(sampler, 16), reference);
            double e32 = AnalyticModels.relativeL2(finalLatent(sampler, 32), reference);
            System.out.printf(java.util.Locale.ROOT, "UniPC order %d bh2: rel L2 at 8/16/32 steps %.3e %.3e %.3e,"
                    + " observed order %.2f%n", order, e8, e16, e32, Math.log(e16 / e32) / Math.log(2));
            // UniC raises the order by one: UniPC-p converges with order p + 1. Order 3 warms up through orders 1
            // and 2 and lowers again on its last steps (lower_order_final), which caps what a short run shows.
            double observed = Math.log(e16 / e32) / Math.log(2);
            double expected = Math.min(order + 1, 3);
            assertTrue(observed > expected - 0.3, "order " + order + " converges with order " + observed);
            assertTrue(e32 < e16 && e16 < e8, "order " + order + " errors must shrink");
        }
    }
}
