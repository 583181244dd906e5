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

/** CLIPTextModel against transformers' outputs in sd15/cases/text_encoder, from both checkpoint layouts. */
class TextEncoderConformanceTest {

    private NDManager manager;
    private Map<String, NDArray> reference;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        reference = Pack.sd15Case("text_encoder", manager);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @ParameterizedTest
    @EnumSource(Pack.Layout.class)
    void matchesLastPenultimateAndPooledOutputs(Pack.Layout layout) {
        try (StableDiffusionCheckpoint checkpoint = Pack.open(layout, manager, DataType.FLOAT32)) {
            CLIPTextOutput out = checkpoint.textEncoder().forward(reference.get("input_ids"));
            assertClose("text encoder " + layout + " last_hidden_state", out.lastHiddenState(),
                    reference.get("last_hidden_state"), FORWARD_TOLERANCE);
            assertClose("text encoder " + layout + " penultimate_hidden_state", out.penultimateHiddenState(),
                    reference.get("penultimate_hidden_state"), FORWARD_TOLERANCE);
            assertClose("text encoder " + layout + " pooler_output", out.pooledOutput(),
                    reference.get("pooler_output"), FORWARD_TOLERANCE);
        }
    }

    @ParameterizedTest
    @EnumSource(Pack.Layout.class)
    void hiddenStatesByIndexMatchTheReference(Pack.Layout layout) {
        try (StableDiffusionCheckpoint checkpoint = Pack.open(layout, manager, DataType.FLOAT32)) {
            CLIPTextModel model = checkpoint.textEncoder();
            NDArray ids = reference.get("input_ids");
            assertClose("text encoder " + layout + " hiddenState(-2)", model.hiddenState(ids, -2),
                    reference.get("penultimate_hidden_state"), FORWARD_TOLERANCE);
            int layers = model.config().numHiddenLayers();
            assertClose("text encoder " + layout + " hiddenState(" + (layers - 1) + ")",
                    model.hiddenState(ids, layers - 1), reference.get("penultimate_hidden_state"), FORWARD_TOLERANCE);
            assertClose("text encoder " + layout + " finalLayerNorm(hiddenState(-1))",
                    model.finalLayerNorm(model.hiddenState(ids, -1)), reference.get("last_hidden_state"),
                    FORWARD_TOLERANCE);
        }
    }
}
