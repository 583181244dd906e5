package dev.tessera.lora;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.testing.Closeness;
import dev.tessera.testing.ConformancePack;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The reference conformance pack: its SD1.x checkpoint, its LoRA files and cases, and the comparison it asks for. */
public final class Pack {

    /** The pack's tolerance for one forward pass in float32 on CPU. */
    public static final double FORWARD_TOLERANCE = 1e-4;

    private Pack() {
    }

    public static Path root() {
        return ConformancePack.dir();
    }

    public static Path kohya() {
        return root().resolve("lora/tiny-sd15-kohya.safetensors");
    }

    public static Path peft() {
        return root().resolve("lora/tiny-sd15-peft.safetensors");
    }

    public static StableDiffusionCheckpoint sd15(NDManager manager) {
        return StableDiffusionCheckpoint.openDiffusers(root().resolve("sd15/diffusers"), Device.cpu(),
                DataType.FLOAT32, manager);
    }

    public static StableDiffusionCheckpoint sd15SingleFile(NDManager manager) {
        Path dir = root().resolve("sd15/single-file");
        return StableDiffusionCheckpoint.openSingleFile(dir.resolve("tiny-sd15.safetensors"),
                dir.resolve("tiny-sd15.arch.json"), Device.cpu(), DataType.FLOAT32, manager);
    }

    /** Every tensor of {@code relative} (a safetensors file in the pack), loaded onto {@code manager}. */
    public static Map<String, NDArray> tensors(String relative, NDManager manager) {
        return ConformancePack.tensors(root().resolve(relative), manager);
    }

    /** Name to shape of every tensor of {@code relative}, from its header. */
    public static Map<String, Shape> shapes(String relative) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(root().resolve(relative))) {
            for (String name : file.names()) {
                shapes.put(name, new Shape(file.info(name).shape()));
            }
        }
        return shapes;
    }

    /** {@code ||actual - expected|| / ||expected||}, computed in float64. */
    public static double relativeError(NDArray actual, NDArray expected) {
        return Closeness.relativeError(actual, expected);
    }

    /** Asserts the relative error is within {@code tolerance} and prints it. */
    public static void assertClose(String what, NDArray actual, NDArray expected, double tolerance) {
        Closeness.assertClose(what, actual, expected, tolerance);
    }
}
