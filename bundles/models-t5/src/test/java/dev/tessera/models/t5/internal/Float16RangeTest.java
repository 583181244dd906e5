package dev.tessera.models.t5.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.core.Weights;
import dev.tessera.models.t5.Pack;
import dev.tessera.models.t5.T5Config;
import dev.tessera.models.t5.T5EncoderModel;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real T5 checkpoints push activations past float16's 65504 (the reason transformers keeps {@code wo} in float32
 * and ComfyUI runs T5 with float32 activations). Reproduced on the pack's encoder by scaling block 0's {@code wo}:
 * the float32 residual stream then exceeds 65504, yet the float16 model stays finite and close to float32.
 */
class Float16RangeTest {

    private static final T5Config PACK = new T5Config(100, 32, 8, 64, 2, 4, 8, 16, 1e-6f, "gelu_new", true);
    private static final String WO = "encoder.block.0.layer.1.DenseReluDense.wo.weight";

    @Test
    void activationsBeyondFloat16RangeStayFiniteInFloat16() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new HashMap<>(Pack.all(Pack.encoderFolder().resolve("model.safetensors"),
                    manager));
            tensors.put(WO, tensors.get(WO).mul(1e5f));
            Map<String, NDArray> in = Pack.encoderCase(manager);
            NDArray ids = in.get("input_ids");

            Weights float32 = (name, shape) -> tensors.get(name);
            NDArray embedded = T5Ops.embedding(ids, tensors.get("shared.weight"));
            NDArray bias = RelativePositionBias.bias(tensors.get(
                    "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"), manager, 12, 8, 16);
            NDArray afterBlock0 = new T5Block(float32, "encoder.block.0", PACK, DataType.FLOAT32).forward(embedded,
                    bias);
            float largest = afterBlock0.abs().max().getFloat();
            assertTrue(largest > 65504f, "the scaled residual stream leaves float16's range: " + largest);

            NDArray reference = new T5EncoderModel(PACK, float32, DataType.FLOAT32).forward(ids);
            Map<String, NDArray> halves = new HashMap<>();
            tensors.forEach((name, t) -> halves.put(name, t.toType(DataType.FLOAT16, true)));
            Weights float16 = (name, shape) -> halves.get(name);
            NDArray half = new T5EncoderModel(PACK, float16, DataType.FLOAT16).forward(ids);
            assertEquals(DataType.FLOAT16, half.getDataType());
            assertEquals(0, half.isNaN().logicalOr(half.isInfinite()).sum().getLong(), "no inf or NaN");
            Pack.assertClose("float16 with out-of-range activations", half, reference, 1e-2);
        }
    }
}
