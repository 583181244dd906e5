package dev.tessera.contextgen.internal.nodes;

import static dev.tessera.contextgen.internal.nodes.ContextGenNodes.CONTEXTGEN_LAYOUT;

import ai.djl.ndarray.NDManager;
import dev.tessera.contextgen.BlockAssignment;
import dev.tessera.contextgen.ContextGenLayout;
import dev.tessera.contextgen.InvalidContextGenInputException;
import dev.tessera.contextgen.LayoutImage;
import dev.tessera.contextgen.internal.ContextGenKontext;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.ImageBatch;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.Vae;
import dev.tessera.models.dit.AttentionMode;
import dev.tessera.models.dit.FluxModel;
import dev.tessera.models.dit.KontextPatch;
import dev.tessera.tensor.TensorRuntime;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ContextGenApply: a FLUX(-Kontext) MODEL with ContextGen applied. The layout image (the user's, the one given here,
 * or the composite) and the references go through the VAE and follow the noise tokens with ContextGen's position
 * ids; each DiT block attends under CLA or ICA as {@code attention} assigns them ({@code paper}: CLA in the double
 * blocks, ICA in the first half of the single blocks, CLA after; {@code cla_only}: the layout-only ablation).
 * {@code text_tokens} is the length of the T5 conditioning the sampler will give (512 for FLUX.1's DualCLIPLoader);
 * the masks are built for it, and a conditioning of another length is refused by the model naming the block.
 */
@Component(service = NodeType.class)
public final class ContextGenApplyNode implements NodeType {

    static final String MODEL = "model";
    static final String VAE = "vae";
    static final String LAYOUT = "contextgen_layout";
    static final String LAYOUT_IMAGE = "layout_image";
    static final String TEXT_TOKENS = "text_tokens";
    static final String ATTENTION = "attention";
    static final String ATTENTION_PATH = "attention_path";
    static final List<String> ASSIGNMENTS = List.of("paper", "cla_only");
    static final List<String> PATHS = List.of("auto", "dense", "skip");

    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor = NodeDescriptor.builder("ContextGenApply")
            .displayName("ContextGen Apply")
            .category(ContextGenNodes.CATEGORY)
            .description("Adds the layout image and the references to a FLUX Kontext model as context tokens, with"
                    + " ContextGen's position ids and its CLA / ICA attention masks per block.")
            .input(InputSpec.link(MODEL, ValueType.MODEL))
            .input(InputSpec.link(VAE, ValueType.VAE))
            .input(InputSpec.link(LAYOUT, CONTEXTGEN_LAYOUT))
            .input(InputSpec.integer(TEXT_TOKENS, 512, 1, 4096, 1).withTooltip(
                    "Tokens of the text conditioning (T5: 512 for FLUX.1-dev and Kontext)."))
            .input(InputSpec.combo(ATTENTION, ASSIGNMENTS).withTooltip(
                    "paper: CLA in double blocks, ICA in the first half of the single blocks; cla_only: no ICA."))
            .input(InputSpec.combo(ATTENTION_PATH, PATHS).withTooltip(
                    "How masked attention is computed; all give the same values (skip: only allowed key tiles)."))
            .input(InputSpec.link(LAYOUT_IMAGE, ValueType.IMAGE).asOptional().withTooltip(
                    "Replaces the layout image (resized to the output with LANCZOS if needed); else the"
                            + " ContextGenLayout's or the composite."))
            .output("MODEL", ValueType.MODEL)
            .build();

    @Activate
    public ContextGenApplyNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        DiffusionModel model = inputs.get(MODEL, DiffusionModel.class);
        if (!(model instanceof FluxModel flux)) {
            throw NodeException.invalidInput(MODEL, "ContextGen needs a FLUX (Kontext) MODEL, from UNETLoader; got a "
                    + model.latentFormat().family() + " model");
        }
        Vae vae = inputs.get(VAE, Vae.class);
        ContextGenLayout layout = withLayoutImage(inputs, inputs.get(LAYOUT, ContextGenLayout.class));
        int textTokens = (int) inputs.getInt(TEXT_TOKENS);
        BlockAssignment assignment = inputs.getString(ATTENTION).equals("cla_only") ? BlockAssignment.claOnly()
                : BlockAssignment.paper(flux.transformerConfig().numSingleLayers());
        AttentionMode path = AttentionMode.valueOf(inputs.getString(ATTENTION_PATH).toUpperCase(Locale.ROOT));
        String key = "contextgen:" + layout + "|text " + textTokens + "|" + assignment + "|" + path + "|vae "
                + System.identityHashCode(vae);
        NDManager manager = tensors.newManager("ContextGenApply " + context.nodeId());
        KontextPatch patch;
        try {
            patch = tensors.call(() -> ContextGenKontext.patch(layout, flux.transformerConfig(), flux.latentFormat(),
                    vae, textTokens, assignment, path, manager, key));
        } catch (InvalidContextGenInputException e) {
            manager.close();
            throw NodeException.invalidInput(e.where().equals("layout image") ? LAYOUT_IMAGE : LAYOUT,
                    e.getMessage());
        } catch (IllegalArgumentException e) {
            manager.close();
            throw NodeException.invalidInput(e.getMessage().startsWith("the VAE") ? VAE : MODEL, e.getMessage());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        } catch (Exception e) {
            manager.close();
            throw NodeException.failed("ContextGenApply: " + e.getMessage(), e);
        }
        try {
            return NodeResult.of(model.withPatch(patch));
        } catch (IllegalArgumentException e) {
            throw NodeException.invalidInput(MODEL, e.getMessage());
        } finally {
            // The handle holds its own reference; this one was the creator's.
            patch.release();
        }
    }

    private static ContextGenLayout withLayoutImage(NodeInputs inputs, ContextGenLayout layout) {
        return inputs.optional(LAYOUT_IMAGE, ImageBatch.class).map(image -> {
            try {
                // Another size is resized to the output's with the released filter (LayoutImage), not refused.
                return ContextGenLayout.of(layout.caption(), layout.width(), layout.height(), layout.instances(),
                        LayoutImage.fromRgb(image.width(), image.height(), ContextGenNodes.rgb(image, 0),
                                layout.width(), layout.height()));
            } catch (InvalidContextGenInputException e) {
                throw NodeException.invalidInput(LAYOUT_IMAGE, e.getMessage());
            }
        }).orElse(layout);
    }
}
