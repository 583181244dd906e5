package dev.tessera.miglora;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import dev.tessera.testing.ConformancePack;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** The pack's tiny SD1.5 UNet and mask encoders with seeded random weights, written as a user's files would be. */
public final class Tiny {

    private Tiny() {}

    public static StableDiffusionCheckpoint checkpoint(NDManager manager) {
        return StableDiffusionCheckpoint.openDiffusers(ConformancePack.dir().resolve("sd15/diffusers"), Device.cpu(),
                DataType.FLOAT32, manager.newSubManager());
    }

    public static NDArray random(NDManager manager, long seed, float scale, long... shape) {
        Shape s = new Shape(shape);
        float[] values = new float[(int) s.size()];
        Random random = new Random(seed);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian() * scale;
        }
        return manager.create(values, s);
    }

    /**
     * A paper-style encoder: convs 1 -> 16 -> 32 -> 64, stride 2, kernel 3, and the UNet's conv_in widened to
     * {@code latent + 64} input channels: its latent columns are {@code convIn} (the UNet's own, when given), the
     * embedding columns random.
     */
    public static Path paperEncoder(Path file, NDManager manager, long seed, NDArray convInWeight, NDArray convInBias) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        int[] channels = {1, 16, 32, 64};
        for (int i = 0; i < 3; i++) {
            tensors.put("mask_encoder.convs." + i + ".weight",
                    random(manager, seed + i, 0.3f, channels[i + 1], channels[i], 3, 3));
            tensors.put("mask_encoder.convs." + i + ".bias", random(manager, seed + 10 + i, 0.1f, channels[i + 1]));
        }
        long c0 = convInWeight.getShape().get(0);
        NDArray extra = random(manager, seed + 20, 0.05f, c0, 64, 3, 3);
        tensors.put("conv_in.weight", convInWeight.concat(extra, 1));
        tensors.put("conv_in.bias", convInBias);
        SafetensorsWriter.write(file, tensors, Map.of());
        return file;
    }

    /**
     * A released-style encoder with the tiny pack's channel layout (3 -> 4, blocks [4,4,8,8,8,16], conv_out 16 ->
     * {@code out}); {@code zeroOut} writes conv_out as zeros, as the released training initialises it.
     */
    public static Path releasedEncoder(Path file, NDManager manager, long seed, int out, boolean zeroOut) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put("mask_encoder.conv_in.weight", random(manager, seed, 0.3f, 4, 3, 3, 3));
        tensors.put("mask_encoder.conv_in.bias", random(manager, seed + 1, 0.1f, 4));
        int[][] blocks = {{4, 4}, {4, 8}, {8, 8}, {8, 8}, {8, 8}, {8, 16}};
        for (int i = 0; i < blocks.length; i++) {
            tensors.put("mask_encoder.blocks." + i + ".weight",
                    random(manager, seed + 2 + i, 0.3f, blocks[i][1], blocks[i][0], 3, 3));
            tensors.put("mask_encoder.blocks." + i + ".bias", random(manager, seed + 12 + i, 0.1f, blocks[i][1]));
        }
        tensors.put("mask_encoder.conv_out.weight", zeroOut ? manager.zeros(new Shape(out, 16, 3, 3))
                : random(manager, seed + 30, 0.1f, out, 16, 3, 3));
        tensors.put("mask_encoder.conv_out.bias", zeroOut ? manager.zeros(new Shape(out))
                : random(manager, seed + 31, 0.1f, out));
        SafetensorsWriter.write(file, tensors, Map.of());
        return file;
    }
}
