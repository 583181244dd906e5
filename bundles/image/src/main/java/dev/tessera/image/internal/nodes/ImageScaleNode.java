package dev.tessera.image.internal.nodes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.CropMode;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.ImageResizer;
import dev.tessera.image.ResizeMethod;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's ImageScale ("Upscale Image"): resize to a width and height, 0 keeping the aspect from the other. */
@Component(service = NodeType.class)
public final class ImageScaleNode implements NodeType {

    /** ComfyUI's MAX_RESOLUTION. */
    static final int MAX_RESOLUTION = 16384;

    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor = NodeDescriptor.builder("ImageScale")
            .displayName("Upscale Image")
            .category("image/upscaling")
            .description("Resizes images; a width or height of 0 follows the aspect ratio, both 0 keep the size.")
            .input(InputSpec.link("image", ValueType.IMAGE))
            .input(InputSpec.combo("upscale_method", ResizeMethod.comfyNames()))
            .input(InputSpec.integer("width", 512, 0, MAX_RESOLUTION, 1))
            .input(InputSpec.integer("height", 512, 0, MAX_RESOLUTION, 1))
            .input(InputSpec.combo("crop", CropMode.comfyNames()))
            .output("IMAGE", ValueType.IMAGE)
            .build();

    @Activate
    public ImageScaleNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ImageBatch image = inputs.get("image", ImageBatch.class);
        ResizeMethod method = ResizeMethod.byComfyName(inputs.getString("upscale_method")).orElseThrow(() ->
                NodeException.invalidInput("upscale_method", "expected one of " + ResizeMethod.comfyNames()));
        CropMode crop = CropMode.byComfyName(inputs.getString("crop")).orElseThrow(() ->
                NodeException.invalidInput("crop", "expected one of " + CropMode.comfyNames()));
        int width = (int) inputs.getInt("width");
        int height = (int) inputs.getInt("height");
        int[] size = width == 0 && height == 0 ? null
                : ImageResizer.targetSize(image.width(), image.height(), width, height);
        return resized(tensors, context, "ImageScale", image, method, crop, size);
    }

    /**
     * {@code image} resized to {@code size} ({width, height}; null keeps it, as a copy: the input keeps its own
     * owner) as a new IMAGE owned by a manager of its own.
     */
    static NodeResult resized(TensorRuntime tensors, ExecutionContext context, String typeName, ImageBatch image,
            ResizeMethod method, CropMode crop, int[] size) {
        NDManager output = tensors.newManager(typeName + " " + context.nodeId());
        try (NDManager scratch = tensors.runManager(context.scope()).newSubManager(image.pixels().getDevice())) {
            NDArray result = size == null ? image.pixels().duplicate()
                    : ImageResizer.resize(image.pixels(), size[0], size[1], method, crop, scratch);
            return NodeResult.of(ImageBatch.owning(output, result));
        } catch (RuntimeException e) {
            output.close();
            throw e;
        }
    }
}
