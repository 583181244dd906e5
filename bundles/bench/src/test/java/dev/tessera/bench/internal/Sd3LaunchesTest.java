package dev.tessera.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.dit.Sd3Input;
import dev.tessera.models.dit.Sd3Transformer2DModel;
import dev.tessera.models.dit.loading.Sd3Checkpoint;
import dev.tessera.tensor.TensorScope;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an SD3 MMDiT call launches once warm (issue 16 item 5), counted by libtorch's profiler on the pack's tiny
 * SD3: its affine-free layer norms (4 per joint block, 3 in the pre-only last one, and norm_out) take unit weights
 * made once, so a warm call builds no ones or zeros, and its linears transpose no weight.
 */
class Sd3LaunchesTest {

    @Test
    void aWarmMmditCallLaunchesNoConstantsAndNoTransposeOfWeights() {
        Path tiny = BenchCommandTest.PACK.resolve("sd3/single-file/tiny-sd3.safetensors");
        try (NDManager manager = NDManager.newBaseManager();
                Sd3Checkpoint checkpoint = Sd3Checkpoint.open(tiny, null, DataType.FLOAT32, manager)) {
            Sd3Transformer2DModel model = checkpoint.transformer();
            Sd3Input input = Bench.sd3Input(model.config(), manager, 2, 128, DataType.FLOAT32);
            TensorScope.keep(() -> model.forward(input)).close();
            OperationProfile warm = OperationProfile.of(() -> TensorScope.keep(() -> model.forward(input)).close());
            for (String perCall : List.of("aten::ones", "aten::zeros", "aten::full", "aten::t", "aten::linear",
                    "aten::addmm")) {
                assertFalse(warm.counts().containsKey(perCall), perCall + " in a warm call: " + warm.counts());
            }
            int blocks = model.config().numLayers();
            assertEquals(4 * (blocks - 1) + 3 + 1, warm.counts().get("aten::layer_norm"), warm.counts()::toString);
            OperationProfile again = OperationProfile.of(() -> TensorScope.keep(() -> model.forward(input)).close());
            assertEquals(warm.counts(), again.counts(), "the same launches every call");
        }
    }
}
