package dev.tessera.server.internal;

import static dev.tessera.server.internal.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.ValueType;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ObjectInfoTest {

    @Test
    void describesEveryWidgetKindInComfyUiShape() {
        NodeDescriptor d = NodeDescriptor.builder("KSamplerLike").displayName("K Sampler").category("sampling")
                .description("Denoises a latent.")
                .input(InputSpec.link("model", ValueType.MODEL))
                .input(InputSpec.integer("seed", 0, 0, Long.MAX_VALUE, 1))
                .input(InputSpec.decimal("cfg", 8.0, 0.0, 100.0, 0.1, 0.01).withTooltip("guidance"))
                .input(InputSpec.combo("sampler_name", List.of("euler", "ddim")))
                .input(InputSpec.string("text", "", true))
                .input(InputSpec.bool("add_noise", true))
                .input(InputSpec.decimal("denoise", 1.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0.01, 0.001).asOptional())
                .output(new OutputSpec("LATENT", ValueType.LATENT, false, "the result"))
                .output(new OutputSpec("LATENTS", ValueType.LATENT, true, ""))
                .build();
        assertJson("""
                {'input': {'required': {
                    'model': ['MODEL'],
                    'seed': ['INT', {'default': 0, 'min': 0, 'max': 9223372036854775807, 'step': 1}],
                    'cfg': ['FLOAT', {'default': 8.0, 'min': 0.0, 'max': 100.0, 'step': 0.1, 'round': 0.01, 'tooltip': 'guidance'}],
                    'sampler_name': [['euler', 'ddim'], {'default': 'euler'}],
                    'text': ['STRING', {'default': '', 'multiline': true}],
                    'add_noise': ['BOOLEAN', {'default': true}]},
                  'optional': {'denoise': ['FLOAT', {'default': 1.0, 'step': 0.01, 'round': 0.001}]}},
                 'input_order': {'required': ['model', 'seed', 'cfg', 'sampler_name', 'text', 'add_noise'], 'optional': ['denoise']},
                 'output': ['LATENT', 'LATENT'], 'output_is_list': [false, true], 'output_name': ['LATENT', 'LATENTS'],
                 'name': 'KSamplerLike', 'display_name': 'K Sampler', 'description': 'Denoises a latent.',
                 'category': 'sampling', 'output_node': false, 'output_tooltips': ['the result', '']}
                """, ObjectInfo.describe(d));
    }

    @Test
    void imageUploadCombosReadTheirOptionsEachTime() {
        List<String> files = new ArrayList<>(List.of("a.png"));
        NodeDescriptor d = NodeDescriptor.builder("LoadImage").outputNode(false)
                .input(InputSpec.imageUpload("image", () -> List.copyOf(files)))
                .output("IMAGE", ValueType.IMAGE).build();
        assertJson("{'required': {'image': [['a.png'], {'image_upload': true}]}}", ObjectInfo.describe(d).get("input"));
        files.add("b.png");
        assertJson("{'required': {'image': [['a.png', 'b.png'], {'image_upload': true}]}}", ObjectInfo.describe(d).get("input"));
    }

    @Test
    void aNodeWhoseOptionsFailIsLeftOutOfTheListOnly() {
        NodeDescriptor broken = NodeDescriptor.builder("Broken")
                .input(InputSpec.combo("file", () -> { throw new IllegalStateException("disk gone"); }, null)).build();
        NodeDescriptor fine = NodeDescriptor.builder("Fine").outputNode(true).build();
        assertEquals(List.of("Fine"), List.copyOf(ObjectInfo.all(List.of(broken, fine)).keySet()));
    }
}
