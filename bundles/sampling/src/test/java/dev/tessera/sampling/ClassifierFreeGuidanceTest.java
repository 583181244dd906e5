package dev.tessera.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.tessera.sampling.diffusers.DiffusersSchedulers;
import dev.tessera.sampling.diffusers.FinalSigma;
import dev.tessera.sampling.diffusers.TimestepSpacing;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClassifierFreeGuidanceTest {

    private NDManager manager;
    private final List<Long> batches = new ArrayList<>();

    /** Unconditional half: 0.1 x + sigma; conditional half: tanh(x). Records each call's batch size. */
    private final Denoiser twoConditionings = (x, step) -> {
        batches.add(x.getShape().get(0));
        NDList halves = x.split(2, 0);
        NDArray uncond = halves.get(0).mul(0.1f).addi((float) step.sigma());
        NDArray cond = halves.get(1).tanh();
        return uncond.concat(cond, 0);
    };

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void combinesBothHalvesOfOneBatchedCall() {
        NDArray x = TestLatents.latent(manager, 2, 4, 2, 2);
        float[] v = x.toFloatArray();
        double sigma = 3.5;
        for (double scale : new double[] {7.5, 1.0, 0.0}) {
            batches.clear();
            float[] out = new ClassifierFreeGuidance(twoConditionings, scale)
                    .predict(x, new ModelStep(0, 1, 500, sigma)).toFloatArray();
            assertEquals(List.of(4L), batches, "one call over the doubled batch");
            for (int k = 0; k < v.length; k++) {
                double u = 0.1 * v[k] + sigma;
                double c = Math.tanh(v[k]);
                assertEquals(u + scale * (c - u), out[k], 1e-4, "element " + k + " at scale " + scale);
            }
        }
    }

    @Test
    void aSamplerMakesOneModelCallPerStep() {
        Schedule schedule = DiffusersSchedulers.euler(NoiseSchedule.stableDiffusion(), 6, TimestepSpacing.LEADING, 1, false,
                FinalSigma.ZERO);
        NDArray x = TestLatents.latent(manager, 1, 4, 4, 4);
        Samplers.euler(Prediction.EPSILON).sample(new ClassifierFreeGuidance(twoConditionings, 7.5), x, schedule,
                null, null);
        assertEquals(List.of(2L, 2L, 2L, 2L, 2L, 2L), batches);
    }

    @Test
    void rejectsAModelThatDropsAHalf() {
        NDArray x = TestLatents.latent(manager, 1, 4, 4, 4);
        Denoiser single = (in, step) -> in.get("0:1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClassifierFreeGuidance(single, 5).predict(x, new ModelStep(0, 1, 1, 1)));
        assertTrue(e.getMessage().contains("batch 1 for a doubled batch of 2"), e.getMessage());
    }
}
