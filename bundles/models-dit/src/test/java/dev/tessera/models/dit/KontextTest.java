package dev.tessera.models.dit;

import static dev.tessera.models.dit.Pack.FORWARD_TOLERANCE;
import static dev.tessera.models.dit.Pack.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kontext conditioning on the pack's kontext_masks case: 16 noise tokens (index 0, 4x4), then a 4x4 layout image
 * and a 2x2 reference (index 1, the reference offset past the layout grid).
 */
class KontextTest {

    private NDManager manager;
    private Map<String, NDArray> c;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        c = Pack.fluxCase("kontext_masks", manager);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void positionIdsAreThoseOfTheCase() {
        float[] ids = c.get("img_ids").toFloatArray();
        float[] noise = Kontext.gridIds(manager, Kontext.NOISE_INDEX, 4, 4, 0, 0).toFloatArray();
        float[] context = Kontext.contextIds(manager, List.of(new int[] {4, 4}, new int[] {2, 2})).toFloatArray();
        assertArrayEquals(java.util.Arrays.copyOfRange(ids, 0, 48), noise);
        assertArrayEquals(java.util.Arrays.copyOfRange(ids, 48, 108), context);
    }

    @Test
    void onlyTheNoiseTokensOutputGoesOnAndEqualsTheJointForward() {
        AttentionMask a = AttentionMask.of(c.get("mask_a"));
        try (FluxCheckpoint checkpoint = Pack.open(Pack.Layout.DIFFUSERS, manager, DataType.FLOAT32)) {
            FluxTransformer2DModel model = checkpoint.transformer();
            NDArray tokens = c.get("hidden_states");
            FluxInput noise = new FluxInput(tokens.get(new NDIndex(":, 0:16")), c.get("encoder_hidden_states"),
                    c.get("pooled_projections"), c.get("timestep"), Kontext.gridIds(manager, 0, 4, 4, 0, 0),
                    c.get("txt_ids"), c.get("guidance"));
            NDArray context = tokens.get(new NDIndex(":, 16:36"));
            NDArray contextIds = Kontext.contextIds(manager, List.of(new int[] {4, 4}, new int[] {2, 2}));
            NDArray out = Kontext.forward(model, noise, context, contextIds, BlockMasks.everywhere(a),
                    AttentionMode.DENSE);
            assertTrue(out.getShape().equals(new Shape(1, 16, 16)), "noise tokens only: " + out.getShape());
            assertClose("kontext noise-token output vs out_mask_a_all_blocks[:, :16]", out,
                    c.get("out_mask_a_all_blocks").get(new NDIndex(":, 0:16")), FORWARD_TOLERANCE);
            NDArray joint = model.forward(Pack.input(c), BlockMasks.everywhere(a), AttentionMode.DENSE);
            assertArrayEquals(joint.get(new NDIndex(":, 0:16")).toFloatArray(), out.toFloatArray());
        }
    }

    @Test
    void contextTokensOfAnotherWidthAreRefused() {
        try (FluxCheckpoint checkpoint = Pack.open(Pack.Layout.DIFFUSERS, manager, DataType.FLOAT32)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kontext.forward(
                    checkpoint.transformer(), Pack.input(c), manager.zeros(new Shape(1, 4, 12)),
                    Kontext.gridIds(manager, 1, 2, 2, 0, 0), BlockMasks.none(), AttentionMode.AUTO));
            assertTrue(e.getMessage().contains("[1, tokens, 16]") && e.getMessage().contains("(1, 4, 12)"),
                    e.getMessage());
        }
    }
}
