package dev.tessera.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.models.llm.CausalLM;
import dev.tessera.models.llm.KvCache;
import dev.tessera.models.llm.LlmConfig;
import dev.tessera.models.llm.loading.LlmCheckpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a decode step launches once warm (issue 16 item 5), counted by libtorch's profiler: the decoder's
 * projections and the output projection use their weights as laid out once, so a step transposes no weight and
 * each projection is one matmul (two per layer more for attention), on the pack's LLaMA and Qwen2 and on a twin of
 * the Qwen2 with tied embeddings (the output projection then reads the embedding table).
 */
class LlmLaunchesTest {

    @Test
    void aWarmDecodeStepTransposesNoWeight() {
        for (String name : List.of("llama", "qwen2")) {
            try (NDManager manager = NDManager.newBaseManager();
                    LlmCheckpoint checkpoint = LlmCheckpoint.open(BenchCommandTest.PACK.resolve("llm/" + name),
                            Device.cpu(), DataType.FLOAT32, manager)) {
                checkDecodeStep(name, checkpoint.model(), manager);
                LlmConfig c = checkpoint.config();
                LlmConfig tied = new LlmConfig(c.architecture(), c.vocabSize(), c.hiddenSize(),
                        c.intermediateSize(), c.numLayers(), c.numHeads(), c.numKeyValueHeads(), c.headDim(),
                        c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(), c.attentionBias(), c.mlpBias(), true,
                        c.maxPositionEmbeddings());
                Weights random = Bench.randomWeights(manager, DataType.FLOAT32);
                Map<String, NDArray> drawn = new HashMap<>();
                checkDecodeStep(name + " tied", new CausalLM(tied, (n, shape) -> drawn.computeIfAbsent(n,
                        k -> random.get(k, shape)), DataType.FLOAT32), manager);
            }
        }
    }

    private static void checkDecodeStep(String name, CausalLM model, NDManager manager) {
        try (NDManager run = manager.newSubManager(); KvCache cache = model.newCache(run)) {
            model.forward(run.create(new long[] {1, 2, 3, 4}, new Shape(1, 4)), cache).close();
            decode(model, run, cache, 5);
            OperationProfile warm = OperationProfile.of(() -> decode(model, run, cache, 6));
            for (String perCall : List.of("aten::t", "aten::transpose", "aten::linear", "aten::addmm")) {
                assertFalse(warm.counts().containsKey(perCall), name + ": " + perCall + " in a warm decode step: "
                        + warm.counts());
            }
            int layers = model.config().numLayers();
            assertEquals(9 * layers + 1, warm.counts().get("aten::matmul"), () -> name + ": " + warm.counts());
            OperationProfile again = OperationProfile.of(() -> decode(model, run, cache, 7));
            assertEquals(warm.counts(), again.counts(), name + ": the same launches every step");
        }
    }

    /** One decode step of {@code token}, its logits read back as generation does. */
    private static void decode(CausalLM model, NDManager run, KvCache cache, long token) {
        try (NDManager one = run.newSubManager()) {
            model.forward(one.create(new long[] {token}, new Shape(1, 1)), cache).toFloatArray();
        }
    }
}
