package dev.tessera.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.sampling.comfy.ComfySchedulers;
import dev.tessera.sampling.diffusers.DiffusersSchedulers;
import org.junit.jupiter.api.Test;

/**
 * ComfyUI's scheduler names over a flow model's time shift, checked against diffusers' flow-match schedules (built
 * independently, from the scheduler's own formulas) where the two coincide, and against the shift formulas by hand.
 */
class ComfyFlowSchedulesTest {

    private static void assertSigmas(Schedule expected, Schedule actual, double tolerance) {
        assertEquals(expected.steps(), actual.steps());
        for (int i = 0; i <= expected.steps(); i++) {
            assertEquals(expected.sigma(i), actual.sigma(i), tolerance, "sigma " + i);
        }
        for (int i = 0; i < expected.steps(); i++) {
            assertEquals(expected.timestep(i), actual.timestep(i), tolerance * 1000, "timestep " + i);
        }
    }

    /** ComfyUI's simple on FLUX picks t = 1 - i / steps from its table: diffusers' linspace(1, 1/steps) shifted. */
    @Test
    void simpleOnFluxIsTheFluxPipelinesSchedule() {
        for (int tokens : new int[] {16, 1024, 4096}) {
            for (int steps : new int[] {1, 4, 20, 50}) {
                double mu = FlowShift.fluxMu(tokens);
                Schedule comfy = ComfySchedulers.named("simple", FlowShift.fluxForTokens(tokens), steps);
                assertSigmas(DiffusersSchedulers.flowMatchDynamic(steps, mu, 1000), comfy, 2e-6);
                assertEquals(Schedule.Kind.FLOW, comfy.kind());
                assertFalse(comfy.inflatedInitialNoise(), "flow noise is mixed in, never inflated");
            }
        }
    }

    /** ComfyUI's normal on SD3 spaces time from 1 to the shifted smallest sigma: diffusers' SD3 schedule. */
    @Test
    void normalOnSd3IsTheSd3Schedule() {
        for (int steps : new int[] {1, 4, 28}) {
            assertSigmas(DiffusersSchedulers.flowMatch(steps, 3.0, 1000),
                    ComfySchedulers.named("normal", FlowShift.linear(3.0), steps), 2e-6);
        }
    }

    @Test
    void theShiftsByHand() {
        FlowShift flux = FlowShift.flux(1.15);
        double e = Math.exp(1.15);
        assertEquals(e / (e + (1 / 0.25 - 1)), flux.sigma(0.25), 1e-6);
        assertEquals(1.0, flux.sigmaMax(), 1e-7);
        assertEquals(e / (e + 9999), flux.sigmaMin(), 1e-7);
        FlowShift sd3 = FlowShift.linear(3.0);
        assertEquals(3 * 0.25 / (1 + 2 * 0.25), sd3.sigma(0.25), 1e-6);
        assertEquals(3 * 0.001 / (1 + 2 * 0.001), sd3.sigmaMin(), 1e-7);
        // mu grows with the token count: 0.5 at 256 tokens, 1.15 at 4096 (the pipeline's defaults).
        assertEquals(0.5, FlowShift.fluxForTokens(256).shift(), 1e-12);
        assertEquals(1.15, FlowShift.fluxForTokens(4096).shift(), 1e-12);
    }

    @Test
    void everyNameGivesADecreasingFlowScheduleEndingAtZero() {
        FlowShift shift = FlowShift.fluxForTokens(4096);
        for (String name : ComfySchedulers.NAMES) {
            Schedule s = ComfySchedulers.named(name, shift, 10);
            assertEquals(Schedule.Kind.FLOW, s.kind(), name);
            if (!name.equals("ddim_uniform")) { // ComfyUI's ddim_uniform strides up from the table's second entry
                assertEquals(1.0, s.sigma(0), 1e-6, name + " starts at sigma 1 (pure noise)");
            }
            assertEquals(0.0, s.sigma(s.steps()), name + " ends at 0");
            for (int i = 0; i < s.steps(); i++) {
                assertTrue(s.sigma(i + 1) < s.sigma(i), name + ": sigma " + (i + 1) + " below sigma " + i);
                assertEquals(s.sigma(i) * 1000, s.timestep(i), 1e-3, name + ": timestep is 1000 sigma");
            }
        }
        // Karras spaces sigma^(1/7) evenly between the table's ends.
        Schedule karras = ComfySchedulers.named("karras", shift, 5);
        double lo = Math.pow(shift.sigmaMin(), 1 / 7.0);
        double hi = Math.pow(shift.sigmaMax(), 1 / 7.0);
        for (int i = 0; i < 5; i++) {
            assertEquals(Math.pow(hi + i / 4.0 * (lo - hi), 7), karras.sigma(i), 1e-6, "karras sigma " + i);
        }
    }

    @Test
    void denoiseKeepsTheLastStepsOfTheLongerSchedule() {
        FlowShift shift = FlowShift.fluxForTokens(1024);
        Schedule full = ComfySchedulers.named("simple", shift, 8);
        Schedule half = ComfySchedulers.named("simple", shift, 4, 0.5);
        assertEquals(4, half.steps());
        for (int i = 0; i <= 4; i++) {
            assertEquals(full.sigma(4 + i), half.sigma(i), 0, "sigma " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> ComfySchedulers.named("simple", shift, 4, 1.5));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ComfySchedulers.named("kl_optimal", shift, 4));
        assertTrue(unknown.getMessage().contains("simple"), unknown.getMessage());
    }
}
