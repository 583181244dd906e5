package dev.tessera.contextgen.internal.nodes;

import static dev.tessera.contextgen.internal.nodes.ContextGenNodes.REFERENCES;

import dev.tessera.contextgen.Reference;
import dev.tessera.contextgen.ReferenceSet;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.MaskBatch;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * A reference image for ContextGen: an IMAGE with its alpha as LoadImage gives it (MASK = 1 - alpha), or with a
 * separate foreground mask. Chains: the optional {@code references} input comes first, this node's images follow
 * (one reference per image of the batch), so reference i belongs to the layout's instance i.
 */
@Component(service = NodeType.class)
public final class ReferenceImageNode implements NodeType {

    static final String IMAGE = "image";
    static final String MASK = "mask";
    static final String MASK_MEANS = "mask_means";
    static final String PREVIOUS = "references";
    static final String TRANSPARENCY = "transparency";
    static final String FOREGROUND = "foreground";

    private final NodeDescriptor descriptor = NodeDescriptor.builder("ReferenceImage")
            .displayName("ContextGen Reference Image")
            .category(ContextGenNodes.CATEGORY)
            .description("An instance's reference: the image and its alpha (LoadImage's MASK of an RGBA file) or a"
                    + " foreground mask. Chain nodes to list references in instance order.")
            .input(InputSpec.link(IMAGE, ValueType.IMAGE))
            .input(InputSpec.link(MASK, ValueType.MASK).asOptional().withTooltip(
                    "LoadImage's MASK of an RGBA reference (1 = transparent), or a foreground mask (see mask_means)."))
            .input(InputSpec.combo(MASK_MEANS, List.of(TRANSPARENCY, FOREGROUND)).withTooltip(
                    "transparency: 1 marks transparent pixels (ComfyUI's LoadImage MASK); foreground: 1 marks the"
                            + " subject (a segmentation mask)."))
            .input(InputSpec.link(PREVIOUS, REFERENCES).asOptional().withTooltip(
                    "References of the instances before this one."))
            .output("REFERENCES", REFERENCES)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ReferenceSet before = inputs.optional(PREVIOUS, ReferenceSet.class).orElse(ReferenceSet.empty());
        ImageBatch image = inputs.get(IMAGE, ImageBatch.class);
        if (!inputs.has(MASK)) {
            throw NodeException.invalidInput(MASK, "reference " + before.size() + " has no alpha or mask; expected"
                    + " the MASK of LoadImage on an RGBA file, or a foreground mask of the subject");
        }
        MaskBatch mask = inputs.get(MASK, MaskBatch.class);
        boolean transparency = !FOREGROUND.equals(inputs.getString(MASK_MEANS));
        int w = image.width();
        int h = image.height();
        if (mask.width() != w || mask.height() != h) {
            boolean loadImageEmpty = mask.width() == MaskBatch.EMPTY_SIZE && mask.height() == MaskBatch.EMPTY_SIZE;
            throw NodeException.invalidInput(MASK, "reference " + before.size() + ": mask is " + mask.width() + "x"
                    + mask.height() + " but the image is " + w + "x" + h
                    + (loadImageEmpty ? " (LoadImage gives a 64x64 empty mask for a file without alpha: the"
                            + " reference has no alpha channel)" : "")
                    + "; expected an RGBA reference or a mask of the image's size");
        }
        if (mask.batchSize() != 1 && mask.batchSize() != image.batchSize()) {
            throw NodeException.invalidInput(MASK, "has " + mask.batchSize() + " masks for " + image.batchSize()
                    + " images; expected 1 or one per image");
        }
        List<Reference> made = new ArrayList<>();
        for (int b = 0; b < image.batchSize(); b++) {
            float[] m = ContextGenNodes.mask(mask, mask.batchSize() == 1 ? 0 : b);
            if (transparency) {
                for (int i = 0; i < m.length; i++) m[i] = 1f - m[i];
            }
            made.add(ContextGenNodes.reference(MASK, "reference " + (before.size() + b), w, h,
                    ContextGenNodes.rgb(image, b), m));
        }
        return NodeResult.of(before.plus(made));
    }
}
