package dev.tessera.models.sd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FLUX autoencoder by its properties (the pack has no FLUX VAE): a randomly initialised FLUX-shaped VAE (16
 * latent channels, no quant convs, tiny channels) written in diffusers' layout with a config.json and in BFL's
 * {@code ae.safetensors} layout (names mapped by an independent table below, attention projections as 1x1
 * convolutions), loaded through the public loaders.
 */
class FluxAutoencoderTest {

    private static final List<Integer> CHANNELS = List.of(32, 64);
    private static final String CONFIG_JSON = """
            {"_class_name": "AutoencoderKL", "in_channels": 3, "out_channels": 3, "latent_channels": 16,
             "block_out_channels": [32, 64], "layers_per_block": 1, "norm_num_groups": 32,
             "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D"],
             "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D"], "act_fn": "silu",
             "scaling_factor": 0.3611, "shift_factor": 0.1159, "use_quant_conv": false,
             "use_post_quant_conv": false, "force_upcast": true, "mid_block_add_attention": true,
             "latents_mean": null, "latents_std": null, "sample_size": 1024}
            """;

    @TempDir
    Path dir;
    private NDManager manager;
    private AutoencoderKLConfig config;
    private Map<String, NDArray> diffusersWeights;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(1159);
        config = new AutoencoderKLConfig(3, 3, 16, CHANNELS, 1, 32, 0.3611f, false, false, true, 0.1159f);
        diffusersWeights = new LinkedHashMap<>();
        ParameterSpecs.of(w -> new AutoencoderKL(config, w, DataType.FLOAT32)).forEach((name, shape) -> {
            NDArray values = manager.randomNormal(shape);
            if (shape.dimension() == 1) {
                // norm scales near 1, biases near 0, none trivially 0 or 1
                values = name.endsWith(".weight") ? values.mul(0.1f).add(1f) : values.mul(0.1f);
            } else {
                values = values.div((float) Math.sqrt(shape.size() / shape.get(0)));
            }
            diffusersWeights.put(name, values);
        });
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void fluxConfigHasNoQuantConvsAndBflsFactors() {
        AutoencoderKLConfig flux = AutoencoderKLConfig.flux();
        assertEquals(16, flux.latentChannels());
        assertFalse(flux.useQuantConv());
        assertFalse(flux.usePostQuantConv());
        assertEquals(0.3611f, flux.scalingFactor());
        assertEquals(0.1159f, flux.shiftFactor());
        assertEquals(8, flux.downscale());
        assertTrue(ParameterSpecs.of(w -> new AutoencoderKL(flux, w, DataType.FLOAT32)).keySet().stream()
                .noneMatch(name -> name.contains("quant_conv")));
        assertEquals(0f, AutoencoderKLConfig.sd15().shiftFactor(), "SD1.x has no shift");
    }

    @Test
    void bothKeyLayoutsLoadTheSameNetworkAndGiveIdenticalOutputs() throws IOException {
        NDArray image = manager.randomUniform(-1f, 1f, new Shape(1, 3, 16, 24));
        NDArray latent = manager.randomNormal(new Shape(1, 16, 8, 12));
        try (StableDiffusionCheckpoint diffusers = StableDiffusionCheckpoint.openDiffusers(diffusersFolder(),
                Device.cpu(), DataType.FLOAT32, manager);
                StableDiffusionCheckpoint bfl = StableDiffusionCheckpoint.openVaeFile(aeFile(), null, Device.cpu(),
                        DataType.FLOAT32, manager)) {
            assertEquals(config, diffusers.vaeConfig());
            // ae.safetensors carries no factors: a 16-channel VAE without quant convs is taken for FLUX's.
            assertEquals(0.3611f, bfl.vaeConfig().scalingFactor());
            assertEquals(0.1159f, bfl.vaeConfig().shiftFactor());
            assertEquals(config, bfl.vaeConfig());
            DiagonalGaussian a = diffusers.vae().encode(image);
            DiagonalGaussian b = bfl.vae().encode(image);
            assertArrayEquals(new long[] {1, 16, 8, 12}, a.mean().getShape().getShape());
            assertArrayEquals(a.mean().toFloatArray(), b.mean().toFloatArray(), 0f);
            assertArrayEquals(a.logvar().toFloatArray(), b.logvar().toFloatArray(), 0f);
            NDArray decodedA = diffusers.vae().decode(latent);
            NDArray decodedB = bfl.vae().decode(latent);
            assertArrayEquals(new long[] {1, 3, 16, 24}, decodedA.getShape().getShape());
            assertArrayEquals(decodedA.toFloatArray(), decodedB.toFloatArray(), 0f);
            NDArray roundTrip = diffusers.vae().decode(diffusers.vae().fromDiffusion(
                    diffusers.vae().toDiffusion(a.mean())));
            assertArrayEquals(new long[] {1, 3, 16, 24}, roundTrip.getShape().getShape());
        }
    }

    @Test
    void shiftThenScaleIsAppliedExactlyBothWays() throws IOException {
        try (StableDiffusionCheckpoint checkpoint = StableDiffusionCheckpoint.openDiffusers(diffusersFolder(),
                Device.cpu(), DataType.FLOAT32, manager)) {
            AutoencoderKL vae = checkpoint.vae();
            assertEquals(0.1159f, vae.shiftFactor());
            assertEquals(0.3611f, vae.scalingFactor());
            float[] z = {1f, -2f, 0.1159f, 3.5f};
            float[] model = vae.toDiffusion(manager.create(z)).toFloatArray();
            for (int i = 0; i < z.length; i++) {
                assertEquals((z[i] - 0.1159f) * 0.3611f, model[i], 0f, "element " + i);
            }
            assertEquals(0f, model[2], "the shift itself maps to 0");
            float[] back = vae.fromDiffusion(manager.create(model)).toFloatArray();
            assertArrayEquals(z, back, 1e-6f);
        }
    }

    @Test
    void quantConvTensorsInAFluxFolderAreReportedNotSilentlyIgnored() throws IOException {
        diffusersWeights.put("quant_conv.weight", manager.zeros(new Shape(32, 32, 1, 1)));
        Exception e = assertThrows(ModelLoadException.class, () -> StableDiffusionCheckpoint.openDiffusers(
                diffusersFolder(), Device.cpu(), DataType.FLOAT32, manager).close());
        assertTrue(e.getMessage().contains("quant_conv.weight") && e.getMessage().contains("unexpected"),
                e.getMessage());
    }

    private Path diffusersFolder() throws IOException {
        Path vae = Files.createDirectories(dir.resolve("flux-diffusers/vae"));
        Files.writeString(vae.resolve("config.json"), CONFIG_JSON);
        SafetensorsWriter.write(vae.resolve("diffusion_pytorch_model.safetensors"), diffusersWeights, Map.of());
        return vae.getParent();
    }

    private Path aeFile() {
        Map<String, NDArray> bfl = new LinkedHashMap<>();
        diffusersWeights.forEach((name, tensor) -> {
            String original = bflName(name);
            boolean attentionProjection = original.contains(".attn_1.") && !original.contains(".norm.")
                    && original.endsWith(".weight");
            bfl.put(original, attentionProjection ? tensor.reshape(tensor.getShape().get(0), tensor.getShape().get(1),
                    1, 1) : tensor);
        });
        Path file = dir.resolve("ae.safetensors");
        SafetensorsWriter.write(file, bfl, Map.of());
        return file;
    }

    private static final Pattern RESNET = Pattern.compile(
            "(encoder|decoder)\\.(down|up)_blocks\\.(\\d+)\\.resnets\\.(\\d+)\\.(.+)");
    private static final Pattern SAMPLER = Pattern.compile(
            "(encoder|decoder)\\.(down|up)_blocks\\.(\\d+)\\.(down|up)samplers\\.0\\.conv\\.(.+)");
    private static final Pattern MID_RESNET = Pattern.compile("(encoder|decoder)\\.mid_block\\.resnets\\.(\\d)\\.(.+)");
    private static final Pattern MID_ATTENTION = Pattern.compile(
            "(encoder|decoder)\\.mid_block\\.attentions\\.0\\.(group_norm|to_q|to_k|to_v|to_out\\.0)\\.(weight|bias)");

    /**
     * BFL's {@code flux/modules/autoencoder.py} names, written from that module's structure: {@code down.i.block.j},
     * {@code down.i.downsample.conv}, decoder levels counted from the bottom ({@code up.(levels-1-i)}),
     * {@code mid.block_1 / attn_1 / block_2}, {@code norm_out}, {@code nin_shortcut}.
     */
    private static String bflName(String diffusers) {
        int levels = CHANNELS.size();
        Matcher m = RESNET.matcher(diffusers);
        if (m.matches()) {
            int level = Integer.parseInt(m.group(3));
            int bfl = m.group(1).equals("encoder") ? level : levels - 1 - level;
            return m.group(1) + "." + m.group(2) + "." + bfl + ".block." + m.group(4) + "."
                    + m.group(5).replace("conv_shortcut", "nin_shortcut");
        }
        m = SAMPLER.matcher(diffusers);
        if (m.matches()) {
            int level = Integer.parseInt(m.group(3));
            int bfl = m.group(1).equals("encoder") ? level : levels - 1 - level;
            return m.group(1) + "." + m.group(2) + "." + bfl + "." + m.group(4) + "sample.conv." + m.group(5);
        }
        m = MID_RESNET.matcher(diffusers);
        if (m.matches()) {
            return m.group(1) + ".mid.block_" + (Integer.parseInt(m.group(2)) + 1) + "." + m.group(3);
        }
        m = MID_ATTENTION.matcher(diffusers);
        if (m.matches()) {
            String module = switch (m.group(2)) {
                case "group_norm" -> "norm";
                case "to_q" -> "q";
                case "to_k" -> "k";
                case "to_v" -> "v";
                default -> "proj_out";
            };
            return m.group(1) + ".mid.attn_1." + module + "." + m.group(3);
        }
        return diffusers.replace("conv_norm_out", "norm_out");
    }
}
