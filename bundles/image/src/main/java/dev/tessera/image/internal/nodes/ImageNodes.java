package dev.tessera.image.internal.nodes;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.MaskBatch;
import dev.tessera.tensor.TensorRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * How the image and mask nodes make their outputs: the work runs in a scratch manager of the run (closed after),
 * each IMAGE or MASK output gets a manager of its own named after the node, and those are closed if the node fails
 * before returning them.
 */
final class ImageNodes {

    /** The node's body: computes in {@code scratch}, wraps its results through {@code out}. */
    interface Body {
        NodeResult run(Outputs out, NDManager scratch);
    }

    /** Makes owned outputs; remembers their managers so a failure closes them. */
    static final class Outputs {
        private final TensorRuntime tensors;
        private final String name;
        private final List<NDManager> owners = new ArrayList<>();

        private Outputs(TensorRuntime tensors, String name) {
            this.tensors = tensors;
            this.name = name;
        }

        private NDManager owner() {
            NDManager owner = tensors.newManager(name);
            owners.add(owner);
            return owner;
        }

        ImageBatch image(NDArray pixels) {
            return ImageBatch.owning(owner(), pixels);
        }

        MaskBatch mask(NDArray values) {
            return MaskBatch.owning(owner(), values);
        }
    }

    private ImageNodes() {}

    static NodeResult produce(TensorRuntime tensors, ExecutionContext context, String type, Device device, Body body) {
        Outputs out = new Outputs(tensors, type + " " + context.nodeId());
        try (NDManager scratch = tensors.runManager(context.scope()).newSubManager(device)) {
            return body.run(out, scratch);
        } catch (RuntimeException e) {
            out.owners.forEach(NDManager::close);
            throw e;
        }
    }
}
