package dev.tessera.image.internal.nodes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.Compositing;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.ImageResizer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's ImageStitch ("Image Stitch"): image2 beside image1 in {@code direction} (see {@link Compositing#stitch}); without image2, image1. */
@Component(service = NodeType.class)
public final class ImageStitchNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ImageStitch")
            .displayName("Image Stitch")
            .category("image/transform")
            .description("Stitches image2 to image1 in the specified direction.")
            .input(InputSpec.link("image1", ValueType.IMAGE))
            .input(InputSpec.combo("direction", List.of("right", "down", "left", "up")))
            .input(InputSpec.bool("match_image_size", true))
            .input(InputSpec.integer("spacing_width", 0, 0, 1024, 2))
            .input(InputSpec.combo("spacing_color", List.copyOf(Compositing.STITCH_COLORS.keySet())))
            .input(InputSpec.link("image2", ValueType.IMAGE).asOptional())
            .output("IMAGE", ValueType.IMAGE)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ImageStitchNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ImageBatch first = inputs.get("image1", ImageBatch.class);
        Optional<ImageBatch> second = inputs.optional("image2", ImageBatch.class);
        Compositing.StitchDirection direction =
                Compositing.StitchDirection.valueOf(inputs.getString("direction").toUpperCase(Locale.ROOT));
        float[] color = Compositing.STITCH_COLORS.get(inputs.getString("spacing_color"));
        return ImageNodes.produce(tensors, context, "ImageStitch", first.pixels().getDevice(), (out, scratch) -> {
            NDArray a = ImageResizer.borrow(first.pixels(), scratch).toType(DataType.FLOAT32, false);
            if (second.isEmpty()) return NodeResult.of(out.image(a.duplicate()));
            NDArray b = ImageResizer.borrow(second.get().pixels(), scratch).toDevice(a.getDevice(), false)
                    .toType(DataType.FLOAT32, false);
            return NodeResult.of(out.image(Compositing.stitch(a, b, direction, inputs.getBoolean("match_image_size"),
                    (int) inputs.getInt("spacing_width"), color, scratch)));
        });
    }
}
