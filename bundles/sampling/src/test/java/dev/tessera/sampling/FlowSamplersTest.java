package dev.tessera.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.sampling.comfy.ComfySchedulers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The samplers that run flow models, on FLUX-shaped schedules that start at sigma 1: exact on the straight paths of
 * rectified flow, converging to the ODE's solution (DPM-Solver++(2M) at second order), and the others refused.
 */
class FlowSamplersTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private NDArray noise() {
        return NoiseSource.seeded(5).next(manager, new Shape(2, 3, 4, 4), ai.djl.ndarray.types.DataType.FLOAT32);
    }

    private NDArray sample(String name, Schedule schedule, Denoiser model) {
        Sampler sampler = Samplers.named(name, Prediction.FLOW);
        NDArray start = sampler.initialLatent(noise(), schedule);
        return sampler.sample(model, start, schedule, NoiseSource.seeded(0), step -> { });
    }

    /**
     * One data point x0: the true velocity at x is (x - x0) / s, paths are straight, and every flow sampler must land
     * on x0 whatever the steps (a diffusion-level formula would not).
     */
    @Test
    void onStraightPathsEverySamplerLandsOnTheDataPoint() {
        NDArray x0 = manager.linspace(-1f, 1f, 96).reshape(2, 3, 4, 4);
        Denoiser straight = (x, step) -> x.sub(x0).div((float) step.sigma());
        for (String name : Samplers.FLOW_NAMES) {
            for (int steps : new int[] {1, 3, 8}) {
                Schedule schedule = ComfySchedulers.named("simple", FlowShift.fluxForTokens(4096), steps);
                NDArray out = sample(name, schedule, straight);
                double error = AnalyticModels.relativeL2(out, x0);
                assertTrue(error < 1e-5, name + ", " + steps + " steps: relative L2 " + error);
            }
        }
    }

    /**
     * A curved field, v = tanh(x) + 0.3 x (smooth, no closed form), integrated from sigma 1 to 0.05 (a final step
     * to 0 is first order in every sampler: the last x0 estimate is the result): the ODE's solution from Euler at
     * 8000 steps; DPM-Solver++(2M) at 20 steps is much closer to it than Euler and DDIM at 20 (first order), and
     * halving its step size shrinks its error about fourfold (second order).
     */
    @Test
    void dpmSolverConvergesAtSecondOrderOnACurvedField() {
        Denoiser curved = (x, step) -> x.tanh().add(x.mul(0.3f));
        NDArray truth = sample("euler", toFivePercent(8000), curved);
        double euler20 = AnalyticModels.relativeL2(sample("euler", toFivePercent(20), curved), truth);
        double ddim20 = AnalyticModels.relativeL2(sample("ddim", toFivePercent(20), curved), truth);
        double dpm20 = AnalyticModels.relativeL2(sample("dpmpp_2m", toFivePercent(20), curved), truth);
        double dpm40 = AnalyticModels.relativeL2(sample("dpmpp_2m", toFivePercent(40), curved), truth);
        System.out.printf("flow ODE from sigma 1 to 0.05, 20 steps: euler %.2e ddim %.2e dpmpp_2m %.2e;"
                + " dpmpp_2m 40 steps %.2e%n", euler20, ddim20, dpm20, dpm40);
        assertTrue(dpm20 < euler20 / 5, "dpmpp_2m " + dpm20 + " vs euler " + euler20);
        assertTrue(dpm20 < ddim20 / 5, "dpmpp_2m " + dpm20 + " vs ddim " + ddim20);
        assertTrue(dpm40 < dpm20 / 3, "second order: " + dpm20 + " -> " + dpm40);
    }

    /** Sigmas evenly spaced from 1 down to 0.05, timesteps 1000 sigma. */
    private static Schedule toFivePercent(int steps) {
        double[] sigmas = new double[steps + 1];
        double[] timesteps = new double[steps];
        for (int i = 0; i <= steps; i++) {
            sigmas[i] = 1 - 0.95 * i / steps;
        }
        for (int i = 0; i < steps; i++) {
            timesteps[i] = 1000 * sigmas[i];
        }
        return new Schedule(Schedule.Kind.FLOW, timesteps, sigmas, false);
    }

    @Test
    void samplersWrittenForDiffusionLevelsAreRefusedOnFlowModels() {
        for (String name : Samplers.NAMES) {
            if (!Samplers.FLOW_NAMES.contains(name)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Samplers.named(name, Prediction.FLOW));
                assertTrue(e.getMessage().startsWith("sampler_name '" + name + "' samples diffusion models")
                        && e.getMessage().contains("euler, ddim, dpmpp_2m"), e.getMessage());
            }
        }
    }
}
