package dev.tessera.models.dit;

import static dev.tessera.models.dit.Pack.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same code in float16, chosen by parameter only, on the CPU. The pack's references are float32; float16
 * keeps about 3 decimal digits, so the bound is the pack's 1e-4 relaxed to what half precision can hold.
 */
class ReducedPrecisionTest {

    private static final double FLOAT16_TOLERANCE = 2e-3;

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
    @EnumSource(value = AttentionMode.class, names = {"DENSE", "SKIP"})
    void float16MaskedKontextCase(AttentionMode mode) {
        Map<String, NDArray> c = Pack.fluxCase("kontext_masks", manager);
        AttentionMask a = AttentionMask.of(c.get("mask_a"));
        AttentionMask b = AttentionMask.of(c.get("mask_b"));
        BlockMasks perBlock = (kind, index) -> kind == BlockKind.SINGLE && index == 0 ? b : a;
        try (FluxCheckpoint checkpoint = Pack.open(Pack.Layout.DIFFUSERS, manager, DataType.FLOAT16)) {
            FluxTransformer2DModel model = checkpoint.transformer();
            NDArray out = model.forward(Pack.input(c), perBlock, mode);
            assertEquals(DataType.FLOAT16, out.getDataType());
            assertClose("float16 " + mode + " out_mask_per_block", out.toType(DataType.FLOAT32, false),
                    c.get("out_mask_per_block"), FLOAT16_TOLERANCE);
            NDArray plain = Pack.fluxCase("transformer", manager).get("out");
            Map<String, NDArray> t = Pack.fluxCase("transformer", manager);
            assertClose("float16 transformer out", model.forward(Pack.input(t)).toType(DataType.FLOAT32, false),
                    plain, FLOAT16_TOLERANCE);
        }
    }
}
