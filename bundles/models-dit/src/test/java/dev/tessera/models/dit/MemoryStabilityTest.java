package dev.tessera.models.dit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Repeated forwards (unmasked, dense-masked, skipping, Kontext) leave exactly their results behind: no
 * intermediate lands in the caller's manager or the weights' manager. (A manager's count includes its
 * sub-managers', so the results go to a separate base manager.)
 */
class MemoryStabilityTest {

    @Test
    void forwardsLeaveOnlyTheirResults() {
        try (NDManager manager = NDManager.newBaseManager(); NDManager run = NDManager.newBaseManager()) {
            Map<String, NDArray> c = Pack.fluxCase("kontext_masks", manager);
            AttentionMask a = AttentionMask.of(c.get("mask_a"));
            try (FluxCheckpoint checkpoint = Pack.open(Pack.Layout.DIFFUSERS, manager, DataType.FLOAT32)) {
                FluxTransformer2DModel model = checkpoint.transformer();
                FluxInput input = Pack.input(c);
                model.forward(input).attach(run); // weights read
                NDArray contextIds = Kontext.contextIds(manager, List.of(new int[] {4, 4}, new int[] {2, 2}));
                NDArray noiseTokens = input.hiddenStates().get(new NDIndex(":, 0:16"));
                NDArray contextTokens = input.hiddenStates().get(new NDIndex(":, 16:36"));
                NDArray noiseIds = Kontext.gridIds(manager, Kontext.NOISE_INDEX, 4, 4, 0, 0);
                FluxInput noise = new FluxInput(noiseTokens, input.encoderHiddenStates(), input.pooledProjections(),
                        input.timestep(), noiseIds, input.txtIds(), input.guidance());
                int weights = managed(checkpoint.weights().manager());
                int inputs = managed(manager);
                int results = managed(run);
                for (int i = 1; i <= 3; i++) {
                    model.forward(input, BlockMasks.everywhere(a), AttentionMode.DENSE).attach(run);
                    model.forward(input, BlockMasks.everywhere(a), AttentionMode.SKIP).attach(run);
                    Kontext.forward(model, noise, contextTokens, contextIds, BlockMasks.none(), AttentionMode.AUTO)
                            .attach(run);
                    assertEquals(results + 3 * i, managed(run), "the results");
                    assertEquals(weights, managed(checkpoint.weights().manager()), "weights' manager unchanged");
                    assertEquals(inputs, managed(manager), "caller's manager unchanged");
                }
            }
        }
    }

    private static int managed(NDManager manager) {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }
}
