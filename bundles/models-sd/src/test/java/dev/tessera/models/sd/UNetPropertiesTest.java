package dev.tessera.models.sd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Properties of the UNet that hold whatever the weights: batching and the piecewise API. */
class UNetPropertiesTest {

    @Test
    void singleTimestepIsBroadcastAndSamplesAreIndependent() {
        try (NDManager manager = NDManager.newBaseManager();
                StableDiffusionCheckpoint checkpoint = Pack.open(Pack.Layout.DIFFUSERS, manager, DataType.FLOAT32)) {
            Map<String, NDArray> in = Pack.sd15Case("unet", manager);
            UNet2DConditionModel unet = checkpoint.unet();
            NDArray sample = in.get("sample");
            NDArray context = in.get("encoder_hidden_states");
            NDArray first = in.get("timestep").get("0:1");
            NDArray broadcast = unet.forward(sample, first, context);
            NDArray repeated = unet.forward(sample, first.concat(first), context);
            Pack.assertClose("unet scalar vs repeated timestep", broadcast, repeated, 1e-6);
            // Sample 1 alone, with its own timestep, equals row 1 of the batched reference.
            NDArray alone = unet.forward(sample.get("1:2"), in.get("timestep").get("1:2"), context.get("1:2"));
            Pack.assertClose("unet sample 1 alone vs batched reference", alone, in.get("out").get("1:2"),
                    Pack.FORWARD_TOLERANCE);
        }
    }

    @Test
    void averagingIdenticalInstancesBeforeDecodeChangesNothing() {
        try (NDManager manager = NDManager.newBaseManager();
                StableDiffusionCheckpoint checkpoint = Pack.open(Pack.Layout.SINGLE_FILE, manager, DataType.FLOAT32)) {
            Map<String, NDArray> in = Pack.sd15Case("unet", manager);
            UNet2DConditionModel unet = checkpoint.unet();
            NDArray sample = in.get("sample").get("0:1");
            NDArray t = in.get("timestep").get("0:1");
            NDArray context = in.get("encoder_hidden_states").get("0:1");
            // Two "instances" that are the same sample: their mean features equal each instance's features.
            NDArray temb2 = unet.timeEmbedding(t, 2);
            UNetFeatures pair = unet.encode(unet.convIn(sample.concat(sample)), temb2, context.concat(context));
            List<NDArray> meanSkips = pair.skips().stream().map(s -> s.mean(new int[] {0}, true)).toList();
            UNetFeatures mean = new UNetFeatures(meanSkips, pair.middle().mean(new int[] {0}, true));
            NDArray fused = unet.decode(mean, unet.timeEmbedding(t, 1), context);
            NDArray plain = unet.forward(sample, t, context);
            // Not bit-exact: libtorch blocks a batch of two differently from a batch of one.
            Pack.assertClose("unet mean of identical instances vs plain", fused, plain, 1e-5);
            assertTrue(fused.getShape().get(0) == 1);
        }
    }
}
