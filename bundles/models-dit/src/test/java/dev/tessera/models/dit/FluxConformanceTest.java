package dev.tessera.models.dit;

import static dev.tessera.models.dit.Pack.FORWARD_TOLERANCE;
import static dev.tessera.models.dit.Pack.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two layouts of the pack's FLUX transformer compute the same numbers. (Every flux case against its reference,
 * dense and skipping, on both layouts: {@link FluxFamilyTest} through the shared runner.)
 */
class FluxConformanceTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void bothLayoutsGiveIdenticalOutputs() {
        Map<String, NDArray> c = Pack.fluxCase("kontext_masks", manager);
        AttentionMask a = AttentionMask.of(c.get("mask_a"));
        float[][] outs = new float[2][];
        for (Pack.Layout layout : Pack.Layout.values()) {
            try (FluxCheckpoint checkpoint = Pack.open(layout, manager, DataType.FLOAT32)) {
                NDArray out = checkpoint.transformer().forward(Pack.input(c), BlockMasks.everywhere(a),
                        AttentionMode.DENSE);
                assertClose("flux kontext_masks " + layout + " out_mask_a_all_blocks", out,
                        c.get("out_mask_a_all_blocks"), FORWARD_TOLERANCE);
                outs[layout.ordinal()] = out.toFloatArray();
            }
        }
        assertArrayEquals(outs[0], outs[1], "diffusers and BFL layouts of the same weights must compute the same");
    }
}
