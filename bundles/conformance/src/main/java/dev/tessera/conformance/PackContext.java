package dev.tessera.conformance;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a family gets to run one case.
 *
 * @param root the pack's root folder (models of a family live beside its cases, e.g. {@code sd15/diffusers})
 * @param manager the case's tensor manager, on the device the run computes on; the runner closes it when the case
 *     ends, so a family may attach anything to it
 * @param dtype the floating type models compute in; the pack's tolerances hold for float32
 */
public record PackContext(Path root, NDManager manager, DataType dtype) {

    public PackContext {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(dtype, "dtype");
    }

    public Device device() {
        return manager.getDevice();
    }

    /**
     * A file or folder of the pack by its pack-relative path ({@code sd15/diffusers/unet}).
     *
     * @throws IllegalArgumentException naming the pack and the path when it does not exist
     */
    public Path resolve(String relative) {
        Path path = root.resolve(relative);
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("the pack " + root + " has no " + relative);
        }
        return path;
    }
}
