package dev.tessera.models.sd.loading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.sd.AutoencoderKL;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.UNet2DConditionModel;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The key conversion for the full-size SD1.5 topology, against names as they appear in the released
 * v1-5 single-file checkpoint (and in ComfyUI's / diffusers' conversion tables).
 */
class SingleFileKeysTest {

    @ParameterizedTest
    @CsvSource({
        "down_blocks.0.resnets.0.conv1.weight, input_blocks.1.0.in_layers.2.weight",
        "down_blocks.0.attentions.1.proj_in.weight, input_blocks.2.1.proj_in.weight",
        "down_blocks.0.downsamplers.0.conv.weight, input_blocks.3.0.op.weight",
        "down_blocks.1.resnets.0.conv_shortcut.weight, input_blocks.4.0.skip_connection.weight",
        "down_blocks.2.downsamplers.0.conv.bias, input_blocks.9.0.op.bias",
        "down_blocks.3.resnets.1.time_emb_proj.weight, input_blocks.11.0.emb_layers.1.weight",
        "mid_block.attentions.0.transformer_blocks.0.attn1.to_q.weight, middle_block.1.transformer_blocks.0.attn1.to_q.weight",
        "mid_block.resnets.1.norm2.weight, middle_block.2.out_layers.0.weight",
        "up_blocks.0.resnets.2.conv2.weight, output_blocks.2.0.out_layers.3.weight",
        "up_blocks.0.upsamplers.0.conv.weight, output_blocks.2.1.conv.weight",
        "up_blocks.1.attentions.2.proj_out.weight, output_blocks.5.1.proj_out.weight",
        "up_blocks.1.upsamplers.0.conv.weight, output_blocks.5.2.conv.weight",
        "up_blocks.2.upsamplers.0.conv.weight, output_blocks.8.2.conv.weight",
        "up_blocks.3.resnets.2.conv_shortcut.weight, output_blocks.11.0.skip_connection.weight",
        "time_embedding.linear_2.bias, time_embed.2.bias",
        "conv_in.weight, input_blocks.0.0.weight",
        "conv_norm_out.weight, out.0.weight",
        "conv_out.bias, out.2.bias"
    })
    void unetNames(String diffusers, String original) {
        assertEquals("model.diffusion_model." + original, SingleFileKeys.unet(diffusers, UNet2DConditionConfig.sd15()));
    }

    @ParameterizedTest
    @CsvSource({
        "encoder.down_blocks.1.resnets.0.conv_shortcut.weight, encoder.down.1.block.0.nin_shortcut.weight, false",
        "encoder.down_blocks.0.downsamplers.0.conv.weight, encoder.down.0.downsample.conv.weight, false",
        "decoder.up_blocks.0.upsamplers.0.conv.weight, decoder.up.3.upsample.conv.weight, false",
        "decoder.up_blocks.3.resnets.0.conv_shortcut.bias, decoder.up.0.block.0.nin_shortcut.bias, false",
        "encoder.mid_block.attentions.0.to_out.0.weight, encoder.mid.attn_1.proj_out.weight, true",
        "encoder.mid_block.attentions.0.to_q.weight, encoder.mid.attn_1.q.weight, true",
        "decoder.mid_block.attentions.0.to_v.bias, decoder.mid.attn_1.v.bias, false",
        "decoder.mid_block.attentions.0.group_norm.bias, decoder.mid.attn_1.norm.bias, false",
        "decoder.mid_block.resnets.1.conv1.weight, decoder.mid.block_2.conv1.weight, false",
        "encoder.conv_norm_out.weight, encoder.norm_out.weight, false",
        "quant_conv.weight, quant_conv.weight, false"
    })
    void vaeNames(String diffusers, String original, boolean storedAsConv) {
        assertEquals("first_stage_model." + original, SingleFileKeys.vae(diffusers, AutoencoderKLConfig.sd15()));
        assertEquals(storedAsConv, SingleFileKeys.vaeStoredAsConv(diffusers));
    }

    @Test
    void textEncoderNamesWithAndWithoutTheTextModelLevel() {
        assertEquals("cond_stage_model.transformer.text_model.encoder.layers.11.mlp.fc2.bias",
                SingleFileKeys.textEncoder("encoder.layers.11.mlp.fc2.bias", true));
        assertEquals("cond_stage_model.transformer.final_layer_norm.weight",
                SingleFileKeys.textEncoder("final_layer_norm.weight", false));
    }

    @Test
    void everyFullSizeParameterMapsToItsOwnOriginalName() {
        UNet2DConditionConfig unet = UNet2DConditionConfig.sd15();
        assertInjective(ParameterSpecs.of(w -> new UNet2DConditionModel(unet, w, DataType.FLOAT32)),
                name -> SingleFileKeys.unet(name, unet));
        AutoencoderKLConfig vae = AutoencoderKLConfig.sd15();
        assertInjective(ParameterSpecs.of(w -> new AutoencoderKL(vae, w, DataType.FLOAT32)),
                name -> SingleFileKeys.vae(name, vae));
    }

    private static void assertInjective(Map<String, Shape> specs, java.util.function.Function<String, String> map) {
        Set<String> originals = new HashSet<>();
        for (String name : specs.keySet()) {
            String original = map.apply(name);
            assertTrue(originals.add(original), "two parameters map to " + original);
            assertFalse(original.contains("_blocks.") && !original.contains("transformer_blocks.")
                    && !original.contains("input_blocks.") && !original.contains("output_blocks."),
                    name + " kept a diffusers block name: " + original);
            assertFalse(original.contains("resnets") || original.contains("mid_block"), original);
        }
    }
}
