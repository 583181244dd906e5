package dev.tessera.diffusion.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeType;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ComfyUI's LatentComposite, LatentBlend, LatentFromBatch and RepeatLatentBatch: placement by cell, feather
 * weights, blend factor, batch slicing and repeating (masks included), worked by hand from ComfyUI's code.
 */
class LatentBatchNodesTest {

    private CpuRuntime runtime;
    private RunScope scope;
    private final List<AutoCloseable> made = new ArrayList<>();

    @BeforeEach
    void setUp() {
        runtime = new CpuRuntime();
        scope = new RunScope();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : made) c.close();
        scope.close();
        runtime.close();
    }

    private Latent latent(Shape shape, float value, LatentFormat format, Function<NDManager, NDArray> mask) {
        NDManager m = runtime.newManager("latent");
        Latent latent = Latent.owning(m, m.full(shape, value), mask == null ? null : mask.apply(m), format);
        made.add(latent);
        return latent;
    }

    /** A batch whose entry b holds the value b everywhere. */
    private Latent numbered(int batch, Function<NDManager, NDArray> mask) {
        NDManager m = runtime.newManager("latent");
        NDArray samples = m.arange(0f, batch).reshape(batch, 1, 1, 1).broadcast(new Shape(batch, 4, 2, 2)).duplicate();
        Latent latent = Latent.owning(m, samples, mask == null ? null : mask.apply(m), LatentFormat.SD1);
        made.add(latent);
        return latent;
    }

    private Latent run(NodeType node, MapInputs inputs) {
        Latent out = (Latent) node.execute(inputs, new RecordingContext(scope)).value(0);
        made.add(out);
        return out;
    }

    /** Channel 0 of entry 0 as [h * w]. */
    private static float[] plane(Latent latent) {
        int h = (int) latent.height();
        int w = (int) latent.width();
        float[] out = new float[h * w];
        System.arraycopy(latent.samples().toFloatArray(), 0, out, 0, h * w);
        return out;
    }

    /** The first value of each batch entry. */
    private static float[] firsts(NDArray x) {
        long batch = x.getShape().get(0);
        float[] all = x.toFloatArray();
        int per = (int) (all.length / batch);
        float[] out = new float[(int) batch];
        for (int b = 0; b < batch; b++) out[b] = all[b * per];
        return out;
    }

    @Test
    void latentCompositePlacesByCellAndCutsAtTheEdge() {
        Latent to = latent(new Shape(1, 4, 4, 4), 0f, LatentFormat.SD1, m -> m.ones(new Shape(1, 32, 32)));
        Latent from = latent(new Shape(1, 4, 2, 2), 1f, LatentFormat.SD1, null);
        Latent out = run(new LatentCompositeNode(runtime), new MapInputs().with("samples_to", to)
                .with("samples_from", from).with("x", 15L).with("y", 16L).with("feather", 0L));
        // x = 15 px is cell 1 (rounded down), y = 16 px is cell 2
        assertArrayEquals(new float[] {
            0, 0, 0, 0,
            0, 0, 0, 0,
            0, 1, 1, 0,
            0, 1, 1, 0}, plane(out), 0f);
        assertTrue(out.noiseMask().isPresent(), "samples_to's noise mask goes along");
        assertEquals(LatentFormat.SD1, out.format().orElseThrow());
        assertArrayEquals(new float[16], plane(to), 0f, "samples_to is kept");

        Latent cut = run(new LatentCompositeNode(runtime), new MapInputs().with("samples_to", to)
                .with("samples_from", from).with("x", 24L).with("y", 24L).with("feather", 0L));
        float[] corner = new float[16];
        corner[15] = 1;
        assertArrayEquals(corner, plane(cut), 0f);
    }

    @Test
    void latentCompositeFeathersTheSidesInsideTheTarget() {
        Latent to = latent(new Shape(1, 4, 6, 6), 0f, null, null);
        Latent from = latent(new Shape(1, 4, 4, 4), 1f, null, null);
        Latent out = run(new LatentCompositeNode(runtime), new MapInputs().with("samples_to", to)
                .with("samples_from", from).with("x", 8L).with("y", 8L).with("feather", 16L));
        // feather 2 cells: the outer ring of the block weighs 1/2 per side (corners 1/4), the inner ring 2/2
        float q = 0.25f;
        float h = 0.5f;
        assertArrayEquals(new float[] {
            0, 0, 0, 0, 0, 0,
            0, q, h, h, q, 0,
            0, h, 1, 1, h, 0,
            0, h, 1, 1, h, 0,
            0, q, h, h, q, 0,
            0, 0, 0, 0, 0, 0}, plane(out), 1e-6f);

        // At the target's corner only the two inner sides fade.
        Latent corner = run(new LatentCompositeNode(runtime), new MapInputs().with("samples_to", to)
                .with("samples_from", from).with("x", 0L).with("y", 0L).with("feather", 16L));
        float[] p = plane(corner);
        assertArrayEquals(new float[] {1, 1, 1, h, 0, 0}, java.util.Arrays.copyOfRange(p, 0, 6), 1e-6f,
                "the top and left sides lie on the target's edge and do not fade; the right one does");
        assertArrayEquals(new float[] {h, h, h, q, 0, 0}, java.util.Arrays.copyOfRange(p, 18, 24), 1e-6f);

        // A feather of one cell weighs its one ring (0 + 1) / 1 = 1: no fade, as in ComfyUI.
        Latent one = run(new LatentCompositeNode(runtime), new MapInputs().with("samples_to", to)
                .with("samples_from", from).with("x", 8L).with("y", 8L).with("feather", 8L));
        assertEquals(1f, plane(one)[7], 0f);
    }

    @Test
    void latentCompositeRefusesAnotherFamilyOrABiggerBatchNamingSamplesFrom() {
        Latent to = latent(new Shape(1, 4, 4, 4), 0f, LatentFormat.SD1, null);
        Latent flux = latent(new Shape(1, 16, 2, 2), 0f, LatentFormat.FLUX, null);
        NodeException family = assertThrows(NodeException.class, () -> new LatentCompositeNode(runtime).execute(
                new MapInputs().with("samples_to", to).with("samples_from", flux).with("x", 0L).with("y", 0L)
                        .with("feather", 0L), new RecordingContext(scope)));
        assertEquals("samples_from", family.inputName());
        assertTrue(family.getMessage().contains("same model family"), family.getMessage());
        Latent two = latent(new Shape(2, 4, 2, 2), 0f, LatentFormat.SD1, null);
        NodeException batch = assertThrows(NodeException.class, () -> new LatentCompositeNode(runtime).execute(
                new MapInputs().with("samples_to", to).with("samples_from", two).with("x", 0L).with("y", 0L)
                        .with("feather", 0L), new RecordingContext(scope)));
        assertEquals("samples_from", batch.inputName());
    }

    @Test
    void latentBlendWeighsByTheFactorAndResizesTheSecond() {
        Latent a = latent(new Shape(1, 4, 4, 4), 2f, LatentFormat.SD1, m -> m.ones(new Shape(1, 32, 32)));
        Latent b = latent(new Shape(1, 4, 4, 4), 4f, LatentFormat.SD1, null);
        Latent out = run(new LatentBlendNode(runtime), new MapInputs().with("samples1", a).with("samples2", b)
                .with("blend_factor", 0.25));
        for (float v : out.samples().toFloatArray()) assertEquals(2 * 0.25f + 4 * 0.75f, v, 1e-6f);
        assertTrue(out.noiseMask().isPresent(), "samples1's noise mask goes along");

        Latent small = latent(new Shape(1, 4, 2, 3), 4f, LatentFormat.SD1, null);
        Latent resized = run(new LatentBlendNode(runtime), new MapInputs().with("samples1", a)
                .with("samples2", small).with("blend_factor", 0.5));
        assertEquals(new Shape(1, 4, 4, 4), resized.samples().getShape());
        for (float v : resized.samples().toFloatArray()) assertEquals(3f, v, 1e-5f);

        Latent sd3 = latent(new Shape(1, 16, 4, 4), 0f, LatentFormat.FLUX, null);
        NodeException e = assertThrows(NodeException.class, () -> new LatentBlendNode(runtime).execute(
                new MapInputs().with("samples1", a).with("samples2", sd3).with("blend_factor", 0.5),
                new RecordingContext(scope)));
        assertEquals("samples2", e.inputName());
    }

    @Test
    void latentFromBatchSlicesClampsAndCarriesTheMasks() {
        // two masks for four entries: ComfyUI repeats them to [m0, m1, m0, m1] before slicing
        Latent four = numbered(4, m -> m.arange(10f, 12f).reshape(2, 1, 1).broadcast(new Shape(2, 16, 16))
                .duplicate());
        Latent part = run(new LatentFromBatchNode(runtime), new MapInputs().with("samples", four)
                .with("batch_index", 1L).with("length", 2L));
        assertArrayEquals(new float[] {1, 2}, firsts(part.samples()), 0f);
        assertArrayEquals(new float[] {11, 10}, firsts(part.noiseMask().orElseThrow()), 0f);

        Latent last = run(new LatentFromBatchNode(runtime), new MapInputs().with("samples", four)
                .with("batch_index", 10L).with("length", 5L));
        assertArrayEquals(new float[] {3}, firsts(last.samples()), 0f, "the index is clamped to the last entry");

        Latent shared = numbered(4, m -> m.ones(new Shape(1, 16, 16)));
        Latent withShared = run(new LatentFromBatchNode(runtime), new MapInputs().with("samples", shared)
                .with("batch_index", 2L).with("length", 1L));
        assertEquals(1, withShared.noiseMask().orElseThrow().getShape().get(0), "a single mask is kept whole");
    }

    /**
     * ComfyUI's batch_index: LatentFromBatch records range(index, index + length) (or slices the carried list),
     * RepeatLatentBatch appends copies shifted by max - min + 1; both absent on a batch of its own.
     */
    @Test
    void batchIndexIsRecordedAndRepeatedAsComfyUis() {
        Latent five = numbered(5, null);
        assertTrue(five.batchIndex().isEmpty());
        Latent part = run(new LatentFromBatchNode(runtime), new MapInputs().with("samples", five)
                .with("batch_index", 2L).with("length", 2L));
        assertArrayEquals(new long[] {2, 3}, part.batchIndex().orElseThrow());
        Latent clamped = run(new LatentFromBatchNode(runtime), new MapInputs().with("samples", five)
                .with("batch_index", 9L).with("length", 3L));
        assertArrayEquals(new long[] {4}, clamped.batchIndex().orElseThrow());

        // [2, 3] repeated 3 times: offset 3 - 2 + 1 = 2, so [2, 3, 4, 5, 6, 7]
        Latent repeated = run(new RepeatLatentBatchNode(runtime), new MapInputs().with("samples", part)
                .with("amount", 3L));
        assertArrayEquals(new long[] {2, 3, 4, 5, 6, 7}, repeated.batchIndex().orElseThrow());
        // a slice of a latent that carries indices takes its slice of them
        Latent again = run(new LatentFromBatchNode(runtime), new MapInputs().with("samples", repeated)
                .with("batch_index", 3L).with("length", 2L));
        assertArrayEquals(new long[] {5, 6}, again.batchIndex().orElseThrow());
        assertTrue(run(new RepeatLatentBatchNode(runtime), new MapInputs().with("samples", five).with("amount", 2L))
                .batchIndex().isEmpty(), "RepeatLatentBatch adds no batch_index of its own");

        // LatentComposite keeps samples_to's (ComfyUI copies samples_to), LatentBlend samples1's.
        Latent composite = run(new LatentCompositeNode(runtime), new MapInputs().with("samples_to", part)
                .with("samples_from", numbered(1, null)).with("x", 0L).with("y", 0L).with("feather", 0L));
        assertArrayEquals(new long[] {2, 3}, composite.batchIndex().orElseThrow());
        Latent blend = run(new LatentBlendNode(runtime), new MapInputs().with("samples1", part)
                .with("samples2", numbered(2, null)).with("blend_factor", 0.5));
        assertArrayEquals(new long[] {2, 3}, blend.batchIndex().orElseThrow());
    }

    @Test
    void repeatLatentBatchRepeatsTheWholeBatchInOrder() {
        Latent two = numbered(2, m -> m.arange(5f, 7f).reshape(2, 1, 1).broadcast(new Shape(2, 16, 16)).duplicate());
        Latent out = run(new RepeatLatentBatchNode(runtime), new MapInputs().with("samples", two).with("amount", 3L));
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 1}, firsts(out.samples()), 0f);
        assertArrayEquals(new float[] {5, 6, 5, 6, 5, 6}, firsts(out.noiseMask().orElseThrow()), 0f);
        assertEquals(LatentFormat.SD1, out.format().orElseThrow());

        Latent single = numbered(1, m -> m.ones(new Shape(1, 16, 16)));
        Latent repeated = run(new RepeatLatentBatchNode(runtime), new MapInputs().with("samples", single)
                .with("amount", 2L));
        assertEquals(new Shape(2, 4, 2, 2), repeated.samples().getShape());
        assertEquals(1, repeated.noiseMask().orElseThrow().getShape().get(0), "a single mask stays shared");
    }
}
