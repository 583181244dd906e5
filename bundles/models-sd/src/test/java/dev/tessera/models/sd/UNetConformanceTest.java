package dev.tessera.models.sd;

import static dev.tessera.models.sd.Pack.FORWARD_TOLERANCE;
import static dev.tessera.models.sd.Pack.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** UNet2DConditionModel against diffusers' outputs in sd15/cases/unet, from both checkpoint layouts. */
class UNetConformanceTest {

    private NDManager manager;
    private Map<String, NDArray> reference;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        reference = Pack.sd15Case("unet", manager);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @ParameterizedTest
    @EnumSource(Pack.Layout.class)
    void forwardMatchesOut(Pack.Layout layout) {
        try (StableDiffusionCheckpoint checkpoint = Pack.open(layout, manager, DataType.FLOAT32)) {
            NDArray out = checkpoint.unet().forward(reference.get("sample"), reference.get("timestep"),
                    reference.get("encoder_hidden_states"));
            assertClose("unet " + layout + " out", out, reference.get("out"), FORWARD_TOLERANCE);
        }
    }

    @ParameterizedTest
    @EnumSource(Pack.Layout.class)
    void piecewiseForwardMatchesMidBlockOutputAndOut(Pack.Layout layout) {
        try (StableDiffusionCheckpoint checkpoint = Pack.open(layout, manager, DataType.FLOAT32)) {
            UNet2DConditionModel unet = checkpoint.unet();
            NDArray sample = reference.get("sample");
            NDArray context = reference.get("encoder_hidden_states");
            NDArray temb = unet.timeEmbedding(reference.get("timestep"), sample.getShape().get(0));
            UNetFeatures features = unet.encode(unet.convIn(sample), temb, context);
            assertClose("unet " + layout + " mid_block_output", features.middle(), reference.get("mid_block_output"),
                    FORWARD_TOLERANCE);
            assertClose("unet " + layout + " encode+decode out", unet.decode(features, temb, context),
                    reference.get("out"), FORWARD_TOLERANCE);
        }
    }
}
