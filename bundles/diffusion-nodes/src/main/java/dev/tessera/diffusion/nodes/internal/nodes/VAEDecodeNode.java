package dev.tessera.diffusion.nodes.internal.nodes;

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
import dev.tessera.image.ImageBatch;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.Vae;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's VAEDecode: latents to an IMAGE batch in [0, 1]. A VAE of another family is refused before decoding. */
@Component(service = NodeType.class)
public final class VAEDecodeNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("VAEDecode")
            .displayName("VAE Decode")
            .category("latent")
            .description("Decodes latent images back into pixel space images.")
            .input(InputSpec.link("samples", ValueType.LATENT).withTooltip("The latent to be decoded."))
            .input(InputSpec.link("vae", ValueType.VAE).withTooltip("The VAE model used for decoding the latent."))
            .output(new OutputSpec("IMAGE", ValueType.IMAGE, false, "The decoded image."))
            .build();

    private final TensorRuntime tensors;

    @Activate
    public VAEDecodeNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /**
     * Refuses, naming the input, a latent the VAE cannot decode (another family, another channel count).
     *
     * @throws NodeException about {@code vae} or {@code samples}
     */
    static void checkDecodable(Latent samples, Vae vae) {
        LatentFormat format = vae.latentFormat();
        if (samples.format().isPresent() && !samples.format().get().compatibleWith(format)) {
            throw NodeException.invalidInput("vae", "this VAE decodes " + format.describe() + " latents, the samples"
                    + " are " + samples.format().get().describe() + " latents: use the VAE of the model that made them");
        }
        if (samples.channels() != format.channels()) {
            throw NodeException.invalidInput("samples", "a " + samples.describe() + " latent has " + samples.channels()
                    + " channels, this " + format.family() + " VAE decodes " + format.channels());
        }
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Latent samples = inputs.get("samples", Latent.class);
        Vae vae = inputs.get("vae", Vae.class);
        checkDecodable(samples, vae);
        NDManager owner = tensors.newManager("VAEDecode " + context.nodeId());
        try {
            return NodeResult.of(ImageBatch.owning(owner, vae.decode(samples.samples(), owner)));
        } catch (IllegalArgumentException e) {
            owner.close();
            throw NodeException.invalidInput("samples", e.getMessage());
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
