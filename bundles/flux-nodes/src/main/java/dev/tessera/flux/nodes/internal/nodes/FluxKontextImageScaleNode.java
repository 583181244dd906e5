package dev.tessera.flux.nodes.internal.nodes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.CropMode;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.ImageResizer;
import dev.tessera.image.ResizeMethod;
import dev.tessera.tensor.TensorRuntime;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's FluxKontextImageScale: the image resized (Lanczos, centre crop) to the Kontext training resolution whose
 * aspect is nearest to its own, about one megapixel, so that a large input does not degrade Kontext's output.
 */
@Component(service = NodeType.class)
public final class FluxKontextImageScaleNode implements NodeType {

    /** FLUX.1 Kontext's preferred resolutions, width x height (BFL's list, as ComfyUI has it). */
    static final List<int[]> PREFERRED = List.of(new int[] {672, 1568}, new int[] {688, 1504},
            new int[] {720, 1456}, new int[] {752, 1392}, new int[] {800, 1328}, new int[] {832, 1248},
            new int[] {880, 1184}, new int[] {944, 1104}, new int[] {1024, 1024}, new int[] {1104, 944},
            new int[] {1184, 880}, new int[] {1248, 832}, new int[] {1328, 800}, new int[] {1392, 752},
            new int[] {1456, 720}, new int[] {1504, 688}, new int[] {1568, 672});

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("FluxKontextImageScale")
            .displayName("FluxKontextImageScale")
            .category("advanced/conditioning/flux")
            .description("Resizes the image to the Flux Kontext training resolution nearest to its aspect ratio.")
            .input(InputSpec.link("image", ValueType.IMAGE))
            .output("IMAGE", ValueType.IMAGE)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public FluxKontextImageScaleNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ImageBatch image = inputs.get("image", ImageBatch.class);
        int[] size = nearest(image.width(), image.height());
        NDManager output = tensors.newManager("FluxKontextImageScale " + context.nodeId());
        try (NDManager scratch = tensors.runManager(context.scope()).newSubManager(image.pixels().getDevice())) {
            NDArray result = ImageResizer.resize(image.pixels(), size[0], size[1], ResizeMethod.LANCZOS,
                    CropMode.CENTER, scratch);
            return NodeResult.of(ImageBatch.owning(output, result));
        } catch (RuntimeException e) {
            output.close();
            throw e;
        }
    }

    /**
     * The preferred {width, height} with the aspect nearest to {@code width / height}; on a tie the narrower, as
     * ComfyUI's {@code min} over (difference, width, height) picks.
     */
    public static int[] nearest(int width, int height) {
        double aspect = (double) width / height;
        int[] best = null;
        double bestDiff = Double.POSITIVE_INFINITY;
        for (int[] candidate : PREFERRED) {
            double diff = Math.abs(aspect - (double) candidate[0] / candidate[1]);
            if (diff < bestDiff || (diff == bestDiff && candidate[0] < best[0])) {
                best = candidate;
                bestDiff = diff;
            }
        }
        return best.clone();
    }
}
