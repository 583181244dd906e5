package dev.tessera.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Merging and closing again and again leaves nothing behind: only the merged copies live, and only until closed. */
class MergeMemoryTest {

    private static final int RUNS = 20;

    @Test
    void twentyMergesLeaveNoTensorBehind() {
        try (NDManager weights = NDManager.newBaseManager();
                NDManager merges = NDManager.newBaseManager();
                StableDiffusionCheckpoint checkpoint = Pack.sd15(weights);
                LoraFile kohya = LoraFile.open(Pack.kohya(), merges);
                LoraFile peft = LoraFile.open(Pack.peft(), merges)) {
            Weights base = checkpoint.unetWeights();
            LoraMapping unet = LoraMapping.forSd15Unet(checkpoint.unetConfig());
            List<LoraPatch> patches = List.of(LoraMatch.of(kohya, List.of(unet)).patch(unet, 0.6),
                    LoraMatch.of(peft, List.of(unet)).patch(unet, 0.4));
            int weightArrays = managed(weights);
            int mergeArrays = managed(merges);
            for (int i = 0; i < RUNS; i++) {
                LoraMerge merge;
                // A computation scope open around the merge (as a node's run may have) must not free the copies.
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    merge = LoraMerge.apply(base, patches, merges);
                }
                assertEquals(130, merge.replacedParameters().size());
                assertEquals(mergeArrays + 130, managed(merges), "run " + i + ": only the merged copies are held");
                merge.weights().get("down_blocks.0.resnets.0.conv1.weight",
                        new ai.djl.ndarray.types.Shape(16, 16, 3, 3)).toFloatArray(); // alive after the scope
                merge.close();
                assertEquals(mergeArrays, managed(merges), "run " + i + ": tensors left after close");
                assertEquals(weightArrays, managed(weights), "run " + i + ": tensors left in the base weights' manager");
            }
        }
    }

    private static int managed(NDManager manager) {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }
}
