package dev.tessera.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.dit.FluxInput;
import dev.tessera.models.dit.FluxTransformer2DModel;
import dev.tessera.models.dit.FluxTransformerConfig;
import dev.tessera.models.dit.Sd3Input;
import dev.tessera.models.dit.Sd3Transformer2DModel;
import dev.tessera.models.dit.Sd3TransformerConfig;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import dev.tessera.models.dit.loading.Sd3Checkpoint;
import dev.tessera.tensor.TensorScope;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code --narrow} counts a transformer's launches at its real depth, heads and tokens with narrower heads: the
 * pack's tiny FLUX (heads of 16 channels) launches exactly what its twin with heads of 8 launches, and the tiny SD3
 * (heads of 8) what its twin with heads of 4 launches.
 */
class NarrowLaunchesTest {

    @Test
    void aNarrowFluxLaunchesWhatTheFullWidthOneLaunches() {
        Path tiny = BenchCommandTest.PACK.resolve("flux/single-file/tiny-flux.safetensors");
        try (NDManager manager = NDManager.newBaseManager();
                FluxCheckpoint checkpoint = FluxCheckpoint.open(tiny, null, DataType.FLOAT32, manager)) {
            FluxTransformer2DModel full = checkpoint.transformer();
            FluxTransformerConfig narrowConfig = Bench.narrow(full.config());
            assertEquals(Bench.NARROW_HEAD_DIM, narrowConfig.attentionHeadDim());
            assertTrue(full.config().attentionHeadDim() > Bench.NARROW_HEAD_DIM, full.config()::toString);
            FluxTransformer2DModel narrow = new FluxTransformer2DModel(narrowConfig,
                    Bench.randomWeights(manager, DataType.FLOAT32), DataType.FLOAT32);
            FluxInput a = Bench.fluxInput(full.config(), manager, 1, 128, DataType.FLOAT32);
            FluxInput b = Bench.fluxInput(narrowConfig, manager, 1, 128, DataType.FLOAT32);
            TensorScope.keep(() -> full.forward(a)).close();
            TensorScope.keep(() -> narrow.forward(b)).close();
            OperationProfile fullOps = OperationProfile.of(() -> TensorScope.keep(() -> full.forward(a)).close());
            OperationProfile narrowOps = OperationProfile.of(() -> TensorScope.keep(() -> narrow.forward(b)).close());
            assertTrue(fullOps.total() > 100, fullOps.counts()::toString);
            assertEquals(fullOps.counts(), narrowOps.counts());
        }
    }

    @Test
    void aNarrowMmditLaunchesWhatTheFullWidthOneLaunches() {
        Path tiny = BenchCommandTest.PACK.resolve("sd3/single-file/tiny-sd3.safetensors");
        try (NDManager manager = NDManager.newBaseManager();
                Sd3Checkpoint checkpoint = Sd3Checkpoint.open(tiny, null, DataType.FLOAT32, manager)) {
            Sd3Transformer2DModel full = checkpoint.transformer();
            Sd3TransformerConfig narrowConfig = Bench.narrow(full.config(), full.config().attentionHeadDim() / 2);
            assertEquals(Bench.NARROW_HEAD_DIM, Bench.narrow(full.config()).attentionHeadDim());
            Sd3Transformer2DModel narrow = new Sd3Transformer2DModel(narrowConfig,
                    Bench.randomWeights(manager, DataType.FLOAT32), DataType.FLOAT32);
            Sd3Input a = Bench.sd3Input(full.config(), manager, 2, 128, DataType.FLOAT32);
            Sd3Input b = Bench.sd3Input(narrowConfig, manager, 2, 128, DataType.FLOAT32);
            TensorScope.keep(() -> full.forward(a)).close();
            TensorScope.keep(() -> narrow.forward(b)).close();
            OperationProfile fullOps = OperationProfile.of(() -> TensorScope.keep(() -> full.forward(a)).close());
            OperationProfile narrowOps = OperationProfile.of(() -> TensorScope.keep(() -> narrow.forward(b)).close());
            assertTrue(fullOps.total() > 50, fullOps.counts()::toString);
            assertEquals(fullOps.counts(), narrowOps.counts());
        }
    }
}
