package dev.tessera.flux.nodes.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.flux.nodes.internal.nodes.ConditioningZeroOutNode;
import dev.tessera.flux.nodes.internal.nodes.FluxKontextImageScaleNode;
import dev.tessera.image.ImageBatch;
import dev.tessera.model.api.Conditioning;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The two nodes ComfyUI's FLUX Kontext template adds around the model: FluxKontextImageScale and ConditioningZeroOut. */
class KontextNodesTest {

    private CpuRuntime tensors;
    private RunScope scope;
    private RecordingContext context;

    @BeforeEach
    void setUp() {
        tensors = new CpuRuntime();
        scope = new RunScope();
        context = new RecordingContext(scope);
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        tensors.close();
    }

    /** Aspects worked out by hand against BFL's list: the nearest ratio wins. */
    @Test
    void theScaleTargetIsThePreferredResolutionOfNearestAspect() {
        Map<int[], int[]> cases = Map.of(
                new int[] {1000, 1000}, new int[] {1024, 1024},
                new int[] {1920, 1080}, new int[] {1392, 752}, // 1.778: 1392/752 = 1.851 beats 1328/800 = 1.66
                new int[] {800, 2000}, new int[] {672, 1568}, // 0.4: the narrowest, 0.4286
                new int[] {40, 30}, new int[] {1184, 880}, // 1.333: 1184/880 = 1.345
                new int[] {3000, 1000}, new int[] {1568, 672}); // 3.0: the widest, 2.333
        cases.forEach((in, expected) -> assertArrayEquals(expected, FluxKontextImageScaleNode.nearest(in[0],
                in[1]), in[0] + "x" + in[1]));
    }

    @Test
    void theImageIsResizedToItAndAFlatColourStaysFlat() {
        NDManager owner = tensors.newManager("image");
        ImageBatch image = ImageBatch.owning(owner, owner.full(new Shape(1, 30, 40, 3), 64f / 255f));
        try (ImageBatch scaled = (ImageBatch) new FluxKontextImageScaleNode(tensors)
                .execute(new MapInputs().with("image", image), context).value(0)) {
            assertEquals(new Shape(1, 880, 1184, 3), scaled.pixels().getShape());
            float[] values = scaled.pixels().toFloatArray();
            for (float v : values) {
                assertEquals(64f / 255f, v, 1e-6f); // ComfyUI's Lanczos runs through 8-bit pixels (PIL)
            }
        } finally {
            image.close();
        }
    }

    @Test
    void zeroOutKeepsShapesAndExtrasAndLeavesTheInput() {
        NDManager owner = tensors.newManager("cond");
        Conditioning input = Conditioning.owning(owner, List.of(new Conditioning.Entry(
                owner.ones(new Shape(1, 5, 8)), owner.ones(new Shape(1, 4)), Map.of(FluxDiffusionModel.GUIDANCE, 3.5))));
        try (Conditioning zero = (Conditioning) new ConditioningZeroOutNode(tensors)
                .execute(new MapInputs().with("conditioning", input), context).value(0)) {
            Conditioning.Entry entry = zero.entries().get(0);
            assertEquals(new Shape(1, 5, 8), entry.embeddings().getShape());
            assertEquals(new Shape(1, 4), entry.pooled().getShape());
            assertEquals(0f, entry.embeddings().abs().sum().getFloat());
            assertEquals(0f, entry.pooled().abs().sum().getFloat());
            assertEquals(3.5, entry.extras().get(FluxDiffusionModel.GUIDANCE));
            NDArray before = input.entries().get(0).embeddings();
            assertTrue(before.sum().getFloat() == 40f, "the input keeps its values");
        } finally {
            input.close();
        }
    }
}
