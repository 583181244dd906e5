package dev.tessera.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a trained MIGLoRA adapter in the released file formats: the mask encoder as the bare state dict of
 * ControlNetConditioningEmbedding (as {@code model_1.safetensors}), the LoRA in diffusers' PEFT naming (as
 * {@code pytorch_lora_weights.safetensors}). Both carry in their metadata how they were trained, among it
 * {@code miglora.max_instances} (the most instances a training layout had) and {@code miglora.fusion}.
 */
public final class AdapterFiles {

    private AdapterFiles() {}

    public static void write(MigLoraTraining.Result adapter, Path encoderFile, Path loraFile, DataType dtype,
            Map<String, String> metadata) {
        try {
            Files.createDirectories(encoderFile.toAbsolutePath().getParent());
            Files.createDirectories(loraFile.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new TrainingException("cannot create the folders of " + encoderFile + " and " + loraFile + ": " + e);
        }
        SafetensorsWriter.write(encoderFile, typed(adapter.encoder(), dtype), metadata);
        SafetensorsWriter.write(loraFile, typed(adapter.lora(), dtype), metadata);
    }

    static Map<String, NDArray> typed(Map<String, NDArray> tensors, DataType dtype) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.getDataType() == dtype ? v : v.toType(dtype, false)));
        return out;
    }
}
