package dev.tessera.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.TensorScope;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a UNet call launches once its weights are laid out (issue 16 item 5), counted by libtorch's profiler on
 * the pack's tiny SD1.5: after the first call, no per-call weight transpose, no constant tensor (ones, zeros,
 * scalars), no query chunks, and one fused projection per self-attention.
 */
class UNetLaunchesTest {

    @Test
    void aWarmUnetCallLaunchesNoTransposeOfWeightsAndNoConstants() throws Exception {
        Path tiny = BenchCommandTest.PACK.resolve("sd15/single-file/tiny-sd15.safetensors");
        try (NDManager manager = NDManager.newBaseManager();
                StableDiffusionCheckpoint checkpoint = StableDiffusionCheckpoint.open(tiny, Device.cpu(),
                        DataType.FLOAT32, manager)) {
            UNet2DConditionModel unet = checkpoint.unet();
            NDArray x = manager.randomNormal(new Shape(2, unet.config().inChannels(), 8, 8));
            NDArray t = manager.create(new float[] {500f, 500f});
            NDArray ctx = manager.randomNormal(new Shape(2, 77, unet.config().crossAttentionDim()));
            TensorScope.keep(() -> unet.forward(x, t, ctx)).close();
            OperationProfile warm = OperationProfile.of(() -> TensorScope.keep(() -> unet.forward(x, t, ctx)).close());
            for (String perCall : List.of("aten::t", "aten::ones", "aten::zeros", "aten::full", "aten::slice",
                    "aten::linear", "aten::addmm")) {
                assertFalse(warm.counts().containsKey(perCall), perCall + " in a warm call: " + warm.counts());
            }
            // Each transformer block: one softmax per attention; self-attention's q/k/v come from one split and
            // cross-attention's k/v from another, plus the feed-forward's GEGLU split.
            int softmax = warm.counts().get("aten::softmax");
            assertEquals(0, softmax % 2, warm.counts()::toString);
            assertEquals(softmax / 2 * 3, warm.counts().get("aten::split"), warm.counts()::toString);
            assertTrue(warm.counts().get("aten::batch_norm") > 0, "group norms' affine: " + warm.counts());
            OperationProfile again = OperationProfile.of(() -> TensorScope.keep(() -> unet.forward(x, t, ctx)).close());
            assertEquals(warm.total(), again.total(), "the same launches every call");
        }
    }
}
