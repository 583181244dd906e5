package dev.tessera.model.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.sampling.ModelStep;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void latentOwnsItsTensorsAndChecksItsShape() {
        try (NDManager base = NDManager.newBaseManager()) {
            NDArray samples = base.zeros(new Shape(2, 4, 8, 6));
            NDArray mask = base.ones(new Shape(2, 1, 64, 48));
            Latent latent = Latent.owning(base.newSubManager(), samples, mask, LatentFormat.SD1);
            assertEquals(2, latent.batchSize());
            assertEquals(4, latent.channels());
            assertEquals(8, latent.height());
            assertEquals(6, latent.width());
            assertTrue(latent.noiseMask().isPresent());
            assertEquals("(2, 4, 8, 6) sd1", latent.describe());
            latent.close();
            assertTrue(samples.isReleased());
            assertTrue(mask.isReleased());

            IllegalArgumentException wrongChannels = assertThrows(IllegalArgumentException.class,
                    () -> Latent.owning(base.newSubManager(), base.zeros(new Shape(1, 16, 8, 8)), null, LatentFormat.SD1));
            assertTrue(wrongChannels.getMessage().contains("16 channels"), wrongChannels.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> Latent.owning(base.newSubManager(), base.zeros(new Shape(4, 8, 8)), null, null));
        }
    }

    @Test
    void conditioningClosesEveryTensorOfEveryEntryIncludingExtras() {
        try (NDManager base = NDManager.newBaseManager()) {
            NDArray emb = base.zeros(new Shape(1, 77, 32));
            NDArray pooled = base.zeros(new Shape(1, 32));
            NDArray extra = base.zeros(new Shape(3, 77, 32));
            Conditioning.Entry entry = new Conditioning.Entry(emb, pooled).withExtra("instances", extra)
                    .withExtra(Conditioning.STRENGTH, 0.5);
            Conditioning c = Conditioning.owning(base.newSubManager(), List.of(entry));
            assertEquals(0.5, c.entries().get(0).strength());
            assertEquals(1.0, new Conditioning.Entry(emb, null).strength());
            c.close();
            assertTrue(emb.isReleased());
            assertTrue(pooled.isReleased());
            assertTrue(extra.isReleased());
            assertThrows(IllegalArgumentException.class, () -> Conditioning.owning(base.newSubManager(), List.of()));
            assertThrows(IllegalArgumentException.class, () -> new Conditioning.Entry(base.zeros(new Shape(77, 32)), null));
        }
    }

    @Test
    void hookContextCountsTheRowsOfItsParts() {
        try (NDManager base = NDManager.newBaseManager()) {
            Conditioning.Entry e = new Conditioning.Entry(base.zeros(new Shape(1, 77, 8)), null, Map.of());
            HookContext ctx = new HookContext(new ModelStep(0, 10, 999, 14.6),
                    List.of(new HookContext.BatchPart(0, 2, true, e), new HookContext.BatchPart(2, 2, false, e)));
            assertEquals(4, ctx.batchSize());
            assertFalse(ctx.parts().get(1).unconditional());
        }
    }
}
