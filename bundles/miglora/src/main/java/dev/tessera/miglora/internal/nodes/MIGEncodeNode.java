package dev.tessera.miglora.internal.nodes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.ValueType;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.tensor.TensorRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * MIGEncode: a LAYOUT's global caption and each instance's phrase through CLIP. The CONDITIONING it gives is the
 * global caption's (so it serves as a KSampler's positive: the decoder runs with it), with the per-instance
 * embeddings {@code [1 + instances, tokens, dim]} (global first, each tiled to a common token count) and the layout
 * as extras, which MIGApply reads.
 */
@Component(service = NodeType.class)
public final class MIGEncodeNode implements NodeType {

    static final String CLIP = "clip";
    static final String LAYOUT = "layout";

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("MIGEncode")
            .displayName("MIGLoRA Encode Layout")
            .category(MigNodes.CATEGORY)
            .description("Encodes a layout's global caption and every instance's phrase with CLIP, for MIGApply and"
                    + " as the positive conditioning of the sampler.")
            .input(InputSpec.link(CLIP, ValueType.CLIP).withTooltip("The CLIP model used for encoding."))
            .input(InputSpec.link(LAYOUT, ValueType.LAYOUT).withTooltip(
                    "The layout: global caption and instances with boxes."))
            .output(new OutputSpec("CONDITIONING", ValueType.CONDITIONING, false,
                    "The global caption's conditioning carrying every instance's embedding."))
            .build();

    private final TensorRuntime tensors;

    @Activate
    public MIGEncodeNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        TextEncoder clip = inputs.get(CLIP, TextEncoder.class);
        Layout layout = inputs.get(LAYOUT, Layout.class);
        if (layout.caption() == null || layout.caption().isBlank()) {
            throw NodeException.invalidInput(LAYOUT, "the layout has no global caption; MIGLoRA uses it as"
                    + " instance 0 and for the decoder");
        }
        NDManager owner = tensors.newManager("MIGEncode " + context.nodeId());
        try (NDManager scratch = owner.newSubManager()) {
            List<String> texts = new ArrayList<>();
            texts.add(layout.caption());
            for (Instance instance : layout.instances()) {
                texts.add(instance.phrase());
            }
            List<Conditioning> encoded = new ArrayList<>();
            try {
                for (int i = 0; i < texts.size(); i++) {
                    try {
                        encoded.add(clip.encode(texts.get(i), scratch.newSubManager()));
                    } catch (IllegalArgumentException e) {
                        throw NodeException.invalidInput(LAYOUT, (i == 0 ? "global caption" : "instance " + (i - 1))
                                + " '" + texts.get(i) + "': " + e.getMessage());
                    }
                }
                long common = 1;
                for (Conditioning c : encoded) {
                    common = lcm(common, c.entries().get(0).embeddings().getShape().get(1));
                }
                NDList rows = new NDList();
                for (Conditioning c : encoded) {
                    NDArray e = c.entries().get(0).embeddings();
                    long tokens = e.getShape().get(1);
                    rows.add(tokens == common ? e : e.tile(new long[] {1, common / tokens, 1}));
                }
                NDArray instances = NDArrays.concat(rows, 0);
                Conditioning.Entry global = encoded.get(0).entries().get(0);
                NDArray embeddings = global.embeddings().duplicate();
                NDArray pooled = global.pooled() == null ? null : global.pooled().duplicate();
                for (NDArray a : new NDArray[] {instances, embeddings, pooled}) {
                    if (a != null) {
                        a.attach(owner);
                    }
                }
                Conditioning.Entry entry = new Conditioning.Entry(embeddings, pooled,
                        Map.of(MigNodes.INSTANCES, instances, MigNodes.LAYOUT, layout));
                return NodeResult.of(Conditioning.owning(owner, List.of(entry)));
            } finally {
                encoded.forEach(Conditioning::close);
            }
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    private static long lcm(long a, long b) {
        return a / gcd(a, b) * b;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
