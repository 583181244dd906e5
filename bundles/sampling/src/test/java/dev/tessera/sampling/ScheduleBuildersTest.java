package dev.tessera.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.sampling.comfy.ComfySchedulers;
import dev.tessera.sampling.diffusers.DiffusersSchedulers;
import dev.tessera.sampling.diffusers.FinalSigma;
import dev.tessera.sampling.diffusers.TimestepSpacing;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ScheduleBuildersTest {

    private final NoiseSchedule sd = NoiseSchedule.stableDiffusion();

    @Test
    void leadingSpacingPerSchedulerClass() {
        // DDIM/Euler: multiples of 1000 // 20 = 50 plus offset 1; DPM-Solver: of 1000 // 21 = 47, the first dropped.
        Schedule ddim = DiffusersSchedulers.ddim(sd, 20, TimestepSpacing.LEADING, 1, FinalSigma.SIGMA_MIN);
        assertEquals(951, ddim.timestep(0));
        assertEquals(1, ddim.timestep(19));
        assertEquals(sd.sigmaMin(), ddim.sigma(20), 0, "DDIM with set_alpha_to_one=False ends at alphā_0");
        Schedule dpm = DiffusersSchedulers.multistep(sd, 20, TimestepSpacing.LEADING, 1, false, FinalSigma.ZERO);
        assertEquals(20 * 47 + 1, dpm.timestep(0));
        assertEquals(47 + 1, dpm.timestep(19));
        assertEquals(0, dpm.sigma(20));
    }

    @Test
    void eulerInitialNoiseIsInflatedOnlyForLeadingSpacing() {
        assertTrue(DiffusersSchedulers.euler(sd, 20, TimestepSpacing.LEADING, 1, false, FinalSigma.ZERO).inflatedInitialNoise());
        Schedule linspace = DiffusersSchedulers.euler(sd, 20, TimestepSpacing.LINSPACE, 0, false, FinalSigma.ZERO);
        assertFalse(linspace.inflatedInitialNoise());
        assertEquals(999, linspace.timestep(0));
        assertEquals(0, linspace.timestep(19));
        assertEquals(sd.sigmaMax(), linspace.sigma(0), 1e-6);
    }

    @Test
    void sd3FlowShiftByHand() {
        Schedule s = DiffusersSchedulers.flowMatch(28, 3.0, 1000);
        assertEquals(Schedule.Kind.FLOW, s.kind());
        assertEquals(1.0, s.sigma(0), 0);
        assertEquals(1000.0, s.timestep(0), 0);
        // The scheduler's own sigma_min is its shifted 1/1000; the last step lands there and is shifted again.
        double sigmaMin = 3 * 0.001 / (1 + 2 * 0.001);
        double last = 3 * sigmaMin / (1 + 2 * sigmaMin);
        assertEquals(last, s.sigma(27), last * 1e-6);
        double t = 1000 + 13 * (sigmaMin * 1000 - 1000) / 27;
        double mid = 3 * (t / 1000) / (1 + 2 * (t / 1000));
        assertEquals(mid, s.sigma(13), 1e-6);
        assertEquals(0, s.sigma(28));
    }

    @Test
    void fluxShiftFollowsImageTokenCount() {
        assertEquals(0.5, FlowShift.fluxMu(256), 1e-12);
        assertEquals(1.15, FlowShift.fluxMu(4096), 1e-12);
        assertEquals(0.63, FlowShift.fluxMu(1024), 1e-12);
        // With mu 0 the time shift is the identity: sigmas are the pipeline's linspace(1, 1/n, n).
        Schedule unshifted = DiffusersSchedulers.flowMatchDynamic(10, 0.0, 1000);
        for (int i = 0; i < 10; i++) {
            assertEquals(1 - i * 0.1, unshifted.sigma(i), 1e-6);
        }
        Schedule shifted = DiffusersSchedulers.flowMatchDynamic(10, 1.15, 1000);
        double s = 0.1;
        assertEquals(Math.exp(1.15) / (Math.exp(1.15) + 1 / s - 1), shifted.sigma(9), 1e-6);
    }

    @Test
    void comfySimpleIsTrailingAndDdimUniformIsLeadingWithOffsetOne() {
        Schedule simple = ComfySchedulers.named("simple", sd, 20);
        Schedule trailing = DiffusersSchedulers.euler(sd, 20, TimestepSpacing.TRAILING, 0, false, FinalSigma.ZERO);
        assertArrayEquals(trailing.sigmas(), simple.sigmas());
        assertArrayEquals(trailing.timesteps(), simple.timesteps());
        Schedule uniform = ComfySchedulers.named("ddim_uniform", sd, 20);
        Schedule leading = DiffusersSchedulers.ddim(sd, 20, TimestepSpacing.LEADING, 1, FinalSigma.ZERO);
        assertArrayEquals(leading.sigmas(), uniform.sigmas());
        assertArrayEquals(leading.timesteps(), uniform.timesteps());
        assertEquals(31, ComfySchedulers.named("ddim_uniform", sd, 30).steps(), "ComfyUI's stride 33 gives 31 steps");
    }

    @Test
    void comfyKarrasAndNormalSpanTheTrainingRange() {
        Schedule karras = ComfySchedulers.named("karras", sd, 20);
        Schedule diffusersKarras = DiffusersSchedulers.multistep(sd, 20, TimestepSpacing.LINSPACE, 0, true, FinalSigma.ZERO);
        assertArrayEquals(diffusersKarras.sigmas(), karras.sigmas());
        for (int i = 0; i < 20; i++) {
            assertTrue(Math.abs(karras.timestep(i) - diffusersKarras.timestep(i)) <= 1, "timestep " + i);
        }
        Schedule normal = ComfySchedulers.named("normal", sd, 10);
        assertEquals(sd.sigmaMax(), normal.sigma(0), 1e-6);
        assertEquals(sd.sigmaMin(), normal.sigma(9), 1e-6);
        assertTrue(normal.inflatedInitialNoise(), "ComfyUI's max_denoise at the top sigma");
        Schedule sgm = ComfySchedulers.named("sgm_uniform", sd, 10);
        assertTrue(sgm.sigma(9) > sd.sigmaMin(), "sgm_uniform stops one interval before timestep 0");
        Schedule exponential = ComfySchedulers.named("exponential", sd, 10);
        double ratio = exponential.sigma(1) / exponential.sigma(0);
        for (int i = 1; i < 9; i++) {
            assertEquals(ratio, exponential.sigma(i + 1) / exponential.sigma(i), 1e-5, "log-uniform at " + i);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ComfySchedulers.named("kl_optimal", sd, 10));
        assertTrue(e.getMessage().contains("ddim_uniform"), e.getMessage());
    }

    @Test
    void imageToImageStartsPartway() {
        Schedule full = DiffusersSchedulers.euler(sd, 20, TimestepSpacing.LEADING, 1, false, FinalSigma.ZERO);
        Schedule half = full.forStrength(0.5);
        assertEquals(10, half.steps());
        assertEquals(full.timestep(10), half.timestep(0));
        assertEquals(full.sigma(10), half.sigma(0));
        assertFalse(half.inflatedInitialNoise());
        assertEquals(full, full.forStrength(1.0));
        assertEquals(7, full.forStrength(0.37).steps(), "int(20 * 0.37) = 7 steps, as diffusers");
        assertThrows(IllegalArgumentException.class, () -> full.forStrength(0.01));
        Schedule comfy = ComfySchedulers.named("normal", sd, 10, 0.5);
        assertEquals(10, comfy.steps());
        assertArrayEquals(Arrays.copyOfRange(ComfySchedulers.named("normal", sd, 20).sigmas(), 10, 21), comfy.sigmas());
    }

    @Test
    void malformedSchedulesAreRejectedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Schedule(Schedule.Kind.DIFFUSION, new double[] {999, 500}, new double[] {14, 0}, false));
        assertTrue(e.getMessage().contains("needs 3 sigmas"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Schedule(Schedule.Kind.DIFFUSION,
                new double[] {999, 500}, new double[] {14, 0, 0}, false));
        assertTrue(e.getMessage().contains("sigma 1 is 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DiffusersSchedulers.ddim(sd, 1000, TimestepSpacing.LEADING, 1, FinalSigma.ZERO));
        assertTrue(e.getMessage().contains("steps_offset"), e.getMessage());
    }
}
