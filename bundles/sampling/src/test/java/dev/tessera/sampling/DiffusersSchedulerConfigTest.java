package dev.tessera.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.sampling.diffusers.DiffusersSchedulerConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Defaults and refusals of {@link DiffusersSchedulerConfig}; the pack cases are in SchedulerConformanceTest. */
class DiffusersSchedulerConfigTest {

    private static Map<String, Object> sd15(String cls) {
        Map<String, Object> m = new HashMap<>(Map.of("_class_name", cls, "num_train_timesteps", 1000.0,
                "beta_start", 0.00085, "beta_end", 0.012, "beta_schedule", "scaled_linear", "steps_offset", 1));
        m.put("clip_sample", false);
        return m;
    }

    @Test
    void shippedSd15DdimConfigGivesLeadingTimestepsWithOffset() {
        // SD1.5's scheduler_config.json (PNDM class swapped for DDIM): leading spacing 1000 // 10 = 100, offset 1.
        Schedule s = DiffusersSchedulerConfig.of(sd15("DDIMScheduler")).schedule(10);
        assertEquals(List.of(901.0, 801.0, 701.0, 601.0, 501.0, 401.0, 301.0, 201.0, 101.0, 1.0),
                java.util.Arrays.stream(s.timesteps()).boxed().toList());
    }

    @Test
    void classFromEitherKeyAndJsonDoublesAsIntegers() {
        Map<String, Object> m = sd15("EulerDiscreteScheduler");
        m.remove("_class_name");
        m.put("class", "EulerDiscreteScheduler");
        DiffusersSchedulerConfig config = DiffusersSchedulerConfig.of(m);
        assertEquals("EulerDiscreteScheduler", config.schedulerClass());
        assertEquals(1000, config.trainingSchedule().numTrainTimesteps());
        assertEquals("euler", config.sampler().name());
    }

    @Test
    void flowMatchPredictsVelocityWhateverPredictionTypeSays() {
        DiffusersSchedulerConfig config = DiffusersSchedulerConfig.of(
                Map.of("class", "FlowMatchEulerDiscreteScheduler", "shift", 3.0));
        assertEquals(Prediction.FLOW, config.prediction());
        assertEquals(Schedule.Kind.FLOW, config.schedule(4).kind());
        assertThrows(IllegalStateException.class, config::trainingSchedule);
    }

    @Test
    void refusesWhatItDoesNotImplementByName() {
        Map<String, Object> clipping = sd15("DDIMScheduler");
        clipping.remove("clip_sample"); // DDIMScheduler's default clips
        assertMessage(clipping, "clip_sample=true (diffusers' default)");
        Map<String, Object> sde = sd15("DPMSolverMultistepScheduler");
        sde.put("algorithm_type", "sde-dpmsolver++");
        assertMessage(sde, "algorithm_type=sde-dpmsolver++");
        Map<String, Object> zeroSnr = sd15("EulerDiscreteScheduler");
        zeroSnr.put("rescale_betas_zero_snr", true);
        assertMessage(zeroSnr, "rescale_betas_zero_snr=true");
        assertMessage(Map.of("class", "PNDMScheduler"), "class 'PNDMScheduler' is not one of");
        assertMessage(Map.of("steps_offset", 1), "must name the scheduler class");
    }

    @Test
    void badValuesNameTheirKey() {
        Map<String, Object> m = sd15("EulerDiscreteScheduler");
        m.put("steps_offset", 1.5);
        assertEquals("scheduler config: steps_offset must be an integer, got 1.5",
                assertThrows(IllegalArgumentException.class, () -> DiffusersSchedulerConfig.of(m).schedule(10))
                        .getMessage());
        m.put("steps_offset", 1);
        m.put("timestep_spacing", "evenly");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DiffusersSchedulerConfig.of(m).schedule(10))
                .getMessage().startsWith("scheduler config: timestep_spacing 'evenly'"));
        Map<String, Object> flux = Map.of("class", "FlowMatchEulerDiscreteScheduler", "use_dynamic_shifting", true);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DiffusersSchedulerConfig.of(flux).schedule(4))
                .getMessage().contains("needs 'mu'"));
    }

    private static void assertMessage(Map<String, Object> config, String part) {
        String message = assertThrows(IllegalArgumentException.class, () -> DiffusersSchedulerConfig.of(config))
                .getMessage();
        assertTrue(message.contains(part), message);
    }
}
