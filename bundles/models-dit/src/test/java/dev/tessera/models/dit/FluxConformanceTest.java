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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/** FluxTransformer2DModel against diffusers' outputs in flux/cases, from both checkpoint layouts. */
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

    @ParameterizedTest
    @EnumSource(Pack.Layout.class)
    void transformerCase(Pack.Layout layout) {
        Map<String, NDArray> c = Pack.fluxCase("transformer", manager);
        try (FluxCheckpoint checkpoint = Pack.open(layout, manager, DataType.FLOAT32)) {
            NDArray out = checkpoint.transformer().forward(Pack.input(c));
            assertClose("flux transformer " + layout + " out", out, c.get("out"), FORWARD_TOLERANCE);
        }
    }

    static Stream<Arguments> layoutsAndModes() {
        // AUTO resolves to one of the two (dense for these small random masks); both are checked explicitly, the
        // skipping path (44 one-row groups here: slow, but exact) on one layout since the layouts are identical.
        return Stream.of(Arguments.of(Pack.Layout.DIFFUSERS, AttentionMode.DENSE),
                Arguments.of(Pack.Layout.SINGLE_FILE, AttentionMode.DENSE),
                Arguments.of(Pack.Layout.DIFFUSERS, AttentionMode.SKIP));
    }

    @ParameterizedTest
    @MethodSource("layoutsAndModes")
    void kontextMasksCase(Pack.Layout layout, AttentionMode mode) {
        Map<String, NDArray> c = Pack.fluxCase("kontext_masks", manager);
        AttentionMask a = AttentionMask.of(c.get("mask_a"));
        AttentionMask b = AttentionMask.of(c.get("mask_b"));
        // The case's metadata: double blocks mask_a, single block 0 mask_b, single block 1 mask_a.
        BlockMasks perBlock = (kind, index) -> kind == BlockKind.SINGLE && index == 0 ? b : a;
        try (FluxCheckpoint checkpoint = Pack.open(layout, manager, DataType.FLOAT32)) {
            FluxTransformer2DModel model = checkpoint.transformer();
            FluxInput input = Pack.input(c);
            String what = "flux kontext_masks " + layout + " " + mode + " ";
            assertClose(what + "out", model.forward(input, BlockMasks.none(), mode), c.get("out"),
                    FORWARD_TOLERANCE);
            assertClose(what + "out_mask_a_all_blocks", model.forward(input, BlockMasks.everywhere(a), mode),
                    c.get("out_mask_a_all_blocks"), FORWARD_TOLERANCE);
            assertClose(what + "out_mask_per_block", model.forward(input, perBlock, mode),
                    c.get("out_mask_per_block"), FORWARD_TOLERANCE);
        }
    }

    @Test
    void bothLayoutsGiveIdenticalOutputs() {
        Map<String, NDArray> c = Pack.fluxCase("kontext_masks", manager);
        AttentionMask a = AttentionMask.of(c.get("mask_a"));
        float[][] outs = new float[2][];
        for (Pack.Layout layout : Pack.Layout.values()) {
            try (FluxCheckpoint checkpoint = Pack.open(layout, manager, DataType.FLOAT32)) {
                outs[layout.ordinal()] = checkpoint.transformer()
                        .forward(Pack.input(c), BlockMasks.everywhere(a), AttentionMode.AUTO).toFloatArray();
            }
        }
        assertArrayEquals(outs[0], outs[1], "diffusers and BFL layouts of the same weights must compute the same");
    }
}
