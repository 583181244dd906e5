package dev.tessera.models.sd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.PatchedWeights;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A patched view substitutes the named tensors and leaves the base model as it was. */
class PatchedWeightsTest {

    @Test
    void zeroedOutputKernelLeavesOnlyTheBias() {
        try (NDManager manager = NDManager.newBaseManager();
                StableDiffusionCheckpoint checkpoint = Pack.open(Pack.Layout.DIFFUSERS, manager, DataType.FLOAT32)) {
            Map<String, NDArray> in = Pack.sd15Case("unet", manager);
            UNet2DConditionModel base = checkpoint.unet();
            float[] bias = {0.5f, -1.25f, 2f, 3.5f};
            Weights patched = new PatchedWeights(checkpoint.unetWeights(), Map.of(
                    "conv_out.weight", manager.zeros(new Shape(4, 16, 3, 3)),
                    "conv_out.bias", manager.create(bias)));
            UNet2DConditionModel model = new UNet2DConditionModel(base.config(), patched, DataType.FLOAT32);

            NDArray out = model.forward(in.get("sample"), in.get("timestep"), in.get("encoder_hidden_states"));
            // A zero kernel makes conv_out produce its bias at every position, whatever came before.
            float[] values = out.toFloatArray();
            int plane = 8 * 8;
            for (int i = 0; i < values.length; i++) {
                int channel = (i / plane) % 4;
                if (values[i] != bias[channel]) {
                    throw new AssertionError("element " + i + " is " + values[i] + ", expected " + bias[channel]);
                }
            }
            // The base model still reads the untouched tensors.
            Pack.assertClose("unet base after patching", base.forward(in.get("sample"), in.get("timestep"),
                    in.get("encoder_hidden_states")), in.get("out"), Pack.FORWARD_TOLERANCE);
        }
    }

    @Test
    void replacementOfTheWrongShapeIsRefused() {
        try (NDManager manager = NDManager.newBaseManager();
                StableDiffusionCheckpoint checkpoint = Pack.open(Pack.Layout.DIFFUSERS, manager, DataType.FLOAT32)) {
            Weights patched = new PatchedWeights(checkpoint.unetWeights(),
                    Map.of("conv_out.bias", manager.zeros(new Shape(5))));
            ModelLoadException e = assertThrows(ModelLoadException.class,
                    () -> new UNet2DConditionModel(checkpoint.unetConfig(), patched, DataType.FLOAT32));
            assertTrue(e.getMessage().contains("conv_out.bias") && e.getMessage().contains("(5)")
                    && e.getMessage().contains("(4)"), e.getMessage());
        }
    }

    @Test
    void recordedParametersAreExactlyTheFilesTensors() {
        try (NDManager manager = NDManager.newBaseManager();
                StableDiffusionCheckpoint checkpoint = Pack.open(Pack.Layout.DIFFUSERS, manager, DataType.FLOAT32);
                dev.tessera.tensor.safetensors.SafetensorsFile file = dev.tessera.tensor.safetensors.SafetensorsFile
                        .open(Pack.sd15().resolve("diffusers/unet/diffusion_pytorch_model.safetensors"))) {
            Map<String, Shape> specs = ParameterSpecs.of(
                    w -> new UNet2DConditionModel(checkpoint.unetConfig(), w, DataType.FLOAT32));
            assertArrayEquals(file.names().stream().sorted().toArray(), specs.keySet().stream().sorted().toArray());
            for (String name : file.names()) {
                assertArrayEquals(file.info(name).shape(), specs.get(name).getShape(), name);
            }
        }
    }
}
