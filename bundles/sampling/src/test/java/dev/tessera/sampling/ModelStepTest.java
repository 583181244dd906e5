package dev.tessera.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The model's timestep range on a step: unknown from a sampler, added by the model handle, checked. */
class ModelStepTest {

    @Test
    void aSamplersStepHasNoRangeUntilTheModelAddsIt() {
        ModelStep step = new ModelStep(3, 10, 699, 4.1);
        assertFalse(step.hasTimestepRange());
        assertTrue(Double.isNaN(step.timestepMin()) && Double.isNaN(step.timestepMax()));
        ModelStep ranged = step.withTimestepRange(0, 999);
        assertTrue(ranged.hasTimestepRange());
        assertEquals(new ModelStep(3, 10, 699, 4.1, 0, 999), ranged);
    }

    @Test
    void aHalfGivenEmptyOrInfiniteRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ModelStep(0, 1, 1, 1, 0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ModelStep(0, 1, 1, 1, 5, 5));
        assertThrows(IllegalArgumentException.class, () -> new ModelStep(0, 1, 1, 1, 0, Double.POSITIVE_INFINITY));
    }
}
