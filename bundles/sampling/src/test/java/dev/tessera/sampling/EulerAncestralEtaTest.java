package dev.tessera.sampling;

import dev.tessera.sampling.comfy.ComfySchedulers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Euler ancestral's {@code eta} and {@code s_noise} (ComfyUI's SamplerEulerAncestral) against k-diffusion's
 * {@code sample_euler_ancestral} computed here in double precision on the analytic model, with the same noise draws.
 */
class EulerAncestralEtaTest {

    private static final Shape SHAPE = new Shape(1, 4, 4, 4);
    private final Schedule schedule = ComfySchedulers.named("karras", NoiseSchedule.stableDiffusion(), 4);
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** k-diffusion: sigma_up = min(to, eta sqrt(to^2 (from^2 - to^2) / from^2)), x += d (down - from) + n s up. */
    private float[] byHand(double eta, double sNoise, long seed) {
        float[] x = TestLatents.latent(manager, SHAPE.getShape()).toFloatArray();
        double[] state = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            state[k] = x[k];
        }
        NoiseSource noise = NoiseSource.seeded(seed);
        for (int i = 0; i < schedule.steps(); i++) {
            double from = schedule.sigma(i);
            double to = schedule.sigma(i + 1);
            double up = eta == 0 ? 0 : Math.min(to, eta * Math.sqrt(to * to * (from * from - to * to) / (from * from)));
            double down = Math.sqrt(to * to - up * up);
            float[] n = noise.next(manager, SHAPE, DataType.FLOAT32).toFloatArray();
            for (int k = 0; k < state.length; k++) {
                double d = AnalyticModels.epsilon(state[k] / Math.sqrt(from * from + 1), schedule.timestep(i));
                state[k] += d * (down - from) + n[k] * sNoise * up;
            }
        }
        float[] out = new float[state.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) state[k];
        }
        return out;
    }

    private float[] sampled(Sampler sampler, long seed) {
        NDArray x = TestLatents.latent(manager, SHAPE.getShape());
        return sampler.sample(AnalyticModels.EPSILON, x, schedule, NoiseSource.seeded(seed), null).toFloatArray();
    }

    @Test
    void etaAndSNoiseFollowKDiffusion() {
        for (double[] c : new double[][] {{0.5, 0.7}, {1.0, 1.0}, {1.0, 0.0}, {2.0, 1.0}, {0.0, 1.0}}) {
            float[] expected = byHand(c[0], c[1], 7);
            float[] got = sampled(Samplers.eulerAncestral(Prediction.EPSILON, c[0], c[1]), 7);
            double error = AnalyticModels.relativeL2(got, expected);
            assertTrue(error < 1e-5, "eta " + c[0] + ", s_noise " + c[1] + ": relative L2 " + error);
        }
    }

    @Test
    void defaultsAreEulerAncestralAndEtaZeroIsEuler() {
        assertArrayEquals(sampled(Samplers.eulerAncestral(Prediction.EPSILON), 3),
                sampled(Samplers.eulerAncestral(Prediction.EPSILON, 1.0, 1.0), 3));
        assertArrayEquals(sampled(Samplers.euler(Prediction.EPSILON), 3),
                sampled(Samplers.eulerAncestral(Prediction.EPSILON, 0.0, 1.0), 3));
        assertThrows(IllegalArgumentException.class, () -> Samplers.eulerAncestral(Prediction.EPSILON, -1, 1));
    }
}
