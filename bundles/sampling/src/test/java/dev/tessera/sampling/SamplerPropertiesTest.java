package dev.tessera.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.sampling.diffusers.DiffusersSchedulers;
import dev.tessera.sampling.diffusers.FinalSigma;
import dev.tessera.sampling.diffusers.TimestepSpacing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Properties every sampler must have, checked against closed forms rather than against its own output. */
class SamplerPropertiesTest {

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

    private List<float[]> trajectory(Sampler sampler, Denoiser model, NDArray x, Schedule schedule, NoiseSource noise) {
        List<float[]> steps = new ArrayList<>();
        NDArray result = sampler.sample(model, x, schedule, noise, p -> steps.add(p.latent().toFloatArray()));
        assertEquals(schedule.steps(), steps.size());
        assertEquals(0.0, AnalyticModels.relativeL2(result.toFloatArray(), steps.get(steps.size() - 1)));
        return steps;
    }

    @Test
    void ddimIsEulerInVarianceExplodingCoordinates() {
        // DDIM (eta 0) moves x/alpha exactly like Euler moves x: both see the same model input each step.
        Schedule schedule = DiffusersSchedulers.ddim(sd, 20, TimestepSpacing.LEADING, 1, FinalSigma.SIGMA_MIN);
        NDArray xT = TestLatents.latent(manager, 1, 4, 8, 8);
        List<float[]> ddim = trajectory(Samplers.ddim(Prediction.EPSILON), AnalyticModels.EPSILON, xT, schedule, null);
        double s0 = schedule.sigma(0);
        NDArray xVe = xT.mul((float) Math.sqrt(1 + s0 * s0));
        List<float[]> euler = trajectory(Samplers.euler(Prediction.EPSILON), AnalyticModels.EPSILON, xVe, schedule, null);
        for (int i = 0; i < 20; i++) {
            double s = schedule.sigma(i + 1);
            float[] scaled = euler.get(i).clone();
            for (int k = 0; k < scaled.length; k++) {
                scaled[k] = (float) (scaled[k] / Math.sqrt(1 + s * s));
            }
            assertTrue(AnalyticModels.relativeL2(ddim.get(i), scaled) < 2e-6, "step " + i);
        }
    }

    /** eps = (x - alpha c) / (alpha sigma): a model whose clean estimate is the constant c at every noise level. */
    private static Denoiser constantDenoised(NDArray c) {
        return (x, step) -> {
            double alpha = 1 / Math.sqrt(1 + step.sigma() * step.sigma());
            return x.sub(c.mul((float) alpha)).divi((float) (alpha * step.sigma()));
        };
    }

    @Test
    void everyDeterministicSamplerIsExactForAConstantDenoiser() {
        NDArray c = TestLatents.latent(manager, 1, 4, 4, 4).mul(0.7f).add(0.2f);
        NDArray xT = TestLatents.latent(manager, 1, 4, 4, 4).flip(3);
        List<Sampler> samplers = List.of(Samplers.euler(Prediction.EPSILON), Samplers.ddim(Prediction.EPSILON),
                Samplers.dpmpp2m(Prediction.EPSILON), Samplers.uniPc(Prediction.EPSILON, 1, UniPcVariant.BH2),
                Samplers.uniPc(Prediction.EPSILON, 2, UniPcVariant.BH2),
                Samplers.uniPc(Prediction.EPSILON, 3, UniPcVariant.BH2),
                Samplers.uniPc(Prediction.EPSILON, 2, UniPcVariant.BH1));
        for (FinalSigma last : FinalSigma.values()) {
            Schedule schedule = DiffusersSchedulers.multistep(sd, 12, TimestepSpacing.LINSPACE, 0, true, last);
            double s0 = schedule.sigma(0);
            float[] x0 = xT.toFloatArray();
            float[] cv = c.toFloatArray();
            for (Sampler sampler : samplers) {
                boolean ve = sampler.name().equals("euler");
                // Start both parameterisations from the same point of the ODE.
                NDArray start = ve ? xT.mul((float) Math.sqrt(1 + s0 * s0)) : xT;
                List<float[]> steps = trajectory(sampler, constantDenoised(c), start, schedule, null);
                for (int i = 0; i < 12; i++) {
                    double s = schedule.sigma(i + 1);
                    double alpha = ve ? 1 : 1 / Math.sqrt(1 + s * s);
                    float[] exact = new float[cv.length];
                    for (int k = 0; k < cv.length; k++) {
                        double startVe = x0[k] * Math.sqrt(1 + s0 * s0);
                        exact[k] = (float) (alpha * (cv[k] + s / s0 * (startVe - cv[k])));
                    }
                    double err = AnalyticModels.relativeL2(steps.get(i), exact);
                    assertTrue(err < 5e-6, sampler.name() + " " + last + " step " + i + ": " + err);
                }
            }
        }
    }

    /** v = alpha eps - sigma_vp x0, which for input x = alpha x_ve is eps sqrt(1 + s^2) - s x. */
    private static Denoiser asVelocity(Denoiser epsilon) {
        return (x, step) -> {
            double s = step.sigma();
            return epsilon.predict(x, step).mul((float) Math.sqrt(1 + s * s)).subi(x.mul((float) s));
        };
    }

    @Test
    void vPredictionFollowsTheSameTrajectoryAsEpsilon() {
        NDArray xT = TestLatents.latent(manager, 1, 4, 8, 8);
        Schedule schedule = DiffusersSchedulers.multistep(sd, 15, TimestepSpacing.LEADING, 1, false, FinalSigma.ZERO);
        for (String name : Samplers.NAMES) {
            Sampler eps = Samplers.named(name, Prediction.EPSILON);
            Sampler v = Samplers.named(name, Prediction.V_PREDICTION);
            NDArray start = eps.initialLatent(xT, schedule);
            List<float[]> a = trajectory(eps, AnalyticModels.EPSILON, start, schedule, NoiseSource.seeded(3));
            List<float[]> b = trajectory(v, asVelocity(AnalyticModels.EPSILON), start, schedule, NoiseSource.seeded(3));
            for (int i = 0; i < a.size(); i++) {
                double err = AnalyticModels.relativeL2(b.get(i), a.get(i));
                assertTrue(err < 1e-5, name + " step " + i + ": " + err);
            }
        }
    }

    @Test
    void startingLatentsFollowEachParameterisation() {
        NDArray latent = TestLatents.latent(manager, 1, 2, 2, 2);
        NDArray noise = TestLatents.latent(manager, 1, 2, 2, 2).flip(1);
        float[] l = latent.toFloatArray();
        float[] n = noise.toFloatArray();
        Schedule leading = DiffusersSchedulers.euler(sd, 10, TimestepSpacing.LEADING, 1, false, FinalSigma.ZERO);
        double s = leading.sigma(0);
        float[] inflated = Samplers.euler(Prediction.EPSILON).initialLatent(noise, leading).toFloatArray();
        float[] ve = Samplers.euler(Prediction.EPSILON).noisedLatent(latent, noise, leading).toFloatArray();
        float[] vp = Samplers.dpmpp2m(Prediction.EPSILON).noisedLatent(latent, noise, leading).toFloatArray();
        Schedule flow = DiffusersSchedulers.flowMatch(10, 3.0, 1000).fromStep(4);
        double f = flow.sigma(0);
        float[] fl = Samplers.flowMatchEuler().noisedLatent(latent, noise, flow).toFloatArray();
        for (int k = 0; k < l.length; k++) {
            assertEquals(n[k] * Math.sqrt(s * s + 1), inflated[k], 1e-5);
            assertEquals(l[k] + s * n[k], ve[k], 1e-5);
            assertEquals((l[k] + s * n[k]) / Math.sqrt(s * s + 1), vp[k], 1e-6);
            assertEquals((1 - f) * l[k] + f * n[k], fl[k], 1e-6);
        }
        Schedule linspace = DiffusersSchedulers.euler(sd, 10, TimestepSpacing.LINSPACE, 0, false, FinalSigma.ZERO);
        assertEquals(n[0] * linspace.sigma(0), Samplers.euler(Prediction.EPSILON).initialLatent(noise, linspace)
                .toFloatArray()[0], 1e-4);
        NDArray copy = Samplers.ddim(Prediction.EPSILON).initialLatent(noise, leading);
        assertNotSame(noise, copy);
        assertEquals(0.0, AnalyticModels.relativeL2(copy, noise));
    }

    @Test
    void nanInTheLatentNamesTheStep() {
        Schedule schedule = DiffusersSchedulers.euler(sd, 10, TimestepSpacing.LEADING, 1, false, FinalSigma.ZERO);
        NDArray x = TestLatents.latent(manager, 1, 4, 8, 8);
        int before = TestLatents.liveArrays(manager);
        Denoiser failing = (in, step) -> step.index() == 3 ? in.mul(Float.NaN) : AnalyticModels.EPSILON.predict(in, step);
        for (Sampler sampler : List.of(Samplers.euler(Prediction.EPSILON), Samplers.dpmpp2m(Prediction.EPSILON),
                Samplers.uniPc(Prediction.EPSILON, 2, UniPcVariant.BH2))) {
            SamplingException e = assertThrows(SamplingException.class,
                    () -> sampler.sample(failing, x, schedule, null, StepCallback.NONE));
            assertEquals(3, e.step());
            assertTrue(e.getMessage().contains("NaN after step 4 of 10") && e.getMessage().contains("timestep 601"),
                    e.getMessage());
            assertEquals(before, TestLatents.liveArrays(manager), sampler.name() + " leaked tensors");
        }
        Denoiser infinite = (in, step) -> in.mul(Float.POSITIVE_INFINITY);
        SamplingException e = assertThrows(SamplingException.class,
                () -> Samplers.ddim(Prediction.EPSILON).sample(infinite, x, schedule, null, null));
        assertTrue(e.getMessage().contains("after step 1 of 10"), e.getMessage());
    }

    @Test
    void throwingFromTheCallbackStopsSamplingAndFreesTensors() {
        Schedule schedule = DiffusersSchedulers.multistep(sd, 10, TimestepSpacing.LINSPACE, 0, true, FinalSigma.ZERO);
        NDArray x = TestLatents.latent(manager, 1, 4, 8, 8);
        int before = TestLatents.liveArrays(manager);
        AtomicInteger calls = new AtomicInteger();
        Denoiser counting = (in, step) -> {
            calls.incrementAndGet();
            return AnalyticModels.EPSILON.predict(in, step);
        };
        RuntimeException stop = new IllegalStateException("interrupted by the user");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> Samplers.uniPc(Prediction.EPSILON, 2,
                UniPcVariant.BH2).sample(counting, x, schedule, null, p -> {
                    if (p.step() == 2) {
                        throw stop;
                    }
                }));
        assertSame(stop, thrown);
        assertEquals(3, calls.get(), "no model call after the interrupt");
        assertEquals(before, TestLatents.liveArrays(manager));
    }

    @Test
    void longRunsDoNotAccumulateTensors() {
        Schedule schedule = DiffusersSchedulers.multistep(sd, 150, TimestepSpacing.LINSPACE, 0, false, FinalSigma.ZERO);
        NDArray x = TestLatents.latent(manager, 1, 4, 8, 8);
        for (Sampler sampler : List.of(Samplers.uniPc(Prediction.EPSILON, 3, UniPcVariant.BH2),
                Samplers.eulerAncestral(Prediction.EPSILON), Samplers.dpmpp2m(Prediction.EPSILON))) {
            int before = TestLatents.liveArrays(manager);
            int[] live = new int[150];
            NDArray result = sampler.sample(new ClassifierFreeGuidance(AnalyticModels.EPSILON, 5.0), x, schedule,
                    NoiseSource.seeded(11), p -> live[p.step()] = TestLatents.liveArrays(manager));
            assertEquals(live[10], live[140], sampler.name() + ": tensors alive mid-run must not grow");
            assertEquals(before + 1, TestLatents.liveArrays(manager), sampler.name() + ": only the result remains");
            result.close();
        }
    }

    @Test
    void samplersRefuseSchedulesAndOutputsTheyCannotUse() {
        NDArray x = TestLatents.latent(manager, 1, 4, 8, 8);
        Schedule flow = DiffusersSchedulers.flowMatch(5, 3.0, 1000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                Samplers.ddim(Prediction.EPSILON).sample(AnalyticModels.EPSILON, x, flow, null, null));
        assertTrue(e.getMessage().contains("FLOW"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                Samplers.euler(Prediction.EPSILON).sample(AnalyticModels.EPSILON, x, flow, null, null));
        assertTrue(e.getMessage().contains("EPSILON"), e.getMessage());
        Schedule schedule = DiffusersSchedulers.euler(sd, 5, TimestepSpacing.LEADING, 1, false, FinalSigma.ZERO);
        e = assertThrows(IllegalArgumentException.class, () -> Samplers.euler(Prediction.EPSILON)
                .sample((in, step) -> in.get("0:1, 0:2"), x, schedule, null, null));
        assertTrue(e.getMessage().contains("shape (1, 2, 8, 8) at step 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Samplers.named("lms", Prediction.EPSILON));
        assertTrue(e.getMessage().contains("dpmpp_2m"), e.getMessage());
    }
}
