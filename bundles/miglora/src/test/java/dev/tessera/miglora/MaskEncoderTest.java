package dev.tessera.miglora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.layout.Box;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.models.sd.HookedUNet;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading mask encoders: the variant from the weights, and malformed files refused with the tensor named. */
class MaskEncoderTest {

    @TempDir
    Path dir;
    NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void theReleasedPackEncoderIsTheAdditiveControlNetEmbedding() {
        MaskEncoder encoder = MaskEncoder.read(Pack.releasedEncoder(), manager);
        assertEquals(MaskEncoder.Injection.ADD, encoder.injection());
        assertEquals(8, encoder.convs().size());
        assertEquals(List.of(1, 1, 2, 1, 2, 1, 2, 1), encoder.convs().stream().map(MaskEncoder.Conv::stride).toList());
        assertEquals(3, encoder.maskChannels());
        assertEquals(16, encoder.embeddingChannels());
        assertEquals(16, encoder.featureChannels());
        assertEquals(8, encoder.downscale());
        NDArray out = encoder.encode(manager.ones(new Shape(2, 1, 64, 48)));
        assertEquals(new Shape(2, 16, 8, 6), out.getShape());
    }

    private Map<String, NDArray> released() {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (SafetensorsFile st = SafetensorsFile.open(Pack.releasedEncoder())) {
            for (String name : st.names()) {
                tensors.put(name, st.load(name, manager));
            }
        }
        return tensors;
    }

    private Path write(String name, Map<String, NDArray> tensors) {
        Path file = dir.resolve(name);
        SafetensorsWriter.write(file, tensors, Map.of());
        return file;
    }

    @Test
    void theReleasedBareNamesAndTheMaskEncoderPrefixReadAsTheSameEncoder() {
        // The pack file carries model_1.safetensors' bare names (conv_in.*, blocks.N.*, conv_out.*).
        Map<String, NDArray> bare = released();
        assertTrue(bare.containsKey("conv_in.weight") && bare.containsKey("blocks.5.bias")
                && bare.containsKey("conv_out.weight"), bare.keySet().toString());
        Map<String, NDArray> prefixed = new LinkedHashMap<>();
        bare.forEach((name, tensor) -> prefixed.put(MaskEncoder.PREFIX + name, tensor));
        MaskEncoder fromBare = MaskEncoder.read(write("model_1.safetensors", bare), manager);
        MaskEncoder fromPrefixed = MaskEncoder.read(write("prefixed.safetensors", prefixed), manager);
        assertEquals(MaskEncoder.Injection.ADD, fromPrefixed.injection());
        assertEquals(fromBare.convs().stream().map(c -> c.stride() + ":" + c.in() + "->" + c.out()).toList(),
                fromPrefixed.convs().stream().map(c -> c.stride() + ":" + c.in() + "->" + c.out()).toList());
        NDArray masks = Tiny.random(manager, 5, 1f, 2, 3, 32, 32);
        assertEquals(0f, fromBare.encode(masks).sub(fromPrefixed.encode(masks)).abs().max().getFloat());
        assertEquals("blocks.1", fromBare.convs().get(2).name());
        assertEquals("mask_encoder.blocks.1", fromPrefixed.convs().get(2).name());
    }

    @Test
    void aUnetALoraAControlNetOrAnOddReleasedLayoutIsNoMaskEncoder() {
        // A diffusers UNet has conv_in and conv_out at the top level too, but no blocks.N: told apart by the set.
        Map<String, NDArray> unet = new LinkedHashMap<>();
        unet.put("conv_in.weight", manager.zeros(new Shape(32, 4, 3, 3)));
        unet.put("conv_in.bias", manager.zeros(new Shape(32)));
        unet.put("down_blocks.0.resnets.0.conv1.weight", manager.zeros(new Shape(32, 32, 3, 3)));
        unet.put("conv_out.weight", manager.zeros(new Shape(4, 32, 3, 3)));
        unet.put("conv_out.bias", manager.zeros(new Shape(4)));
        MigLoraException e = assertThrows(MigLoraException.class,
                () -> MaskEncoder.read(write("unet.safetensors", unet), manager));
        assertTrue(e.getMessage().contains("unet.safetensors") && e.getMessage().contains("UNet"), e.getMessage());

        Map<String, NDArray> controlnet = new LinkedHashMap<>();
        released().forEach((n, t) -> controlnet.put("controlnet_cond_embedding." + n, t));
        e = assertThrows(MigLoraException.class,
                () -> MaskEncoder.read(write("controlnet.safetensors", controlnet), manager));
        assertTrue(e.getMessage().contains("ControlNet"), e.getMessage());

        Map<String, NDArray> peft = new LinkedHashMap<>();
        peft.put("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora.down.weight",
                manager.zeros(new Shape(2, 8)));
        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(write("lora2.safetensors", peft), manager));
        assertTrue(e.getMessage().contains("LoRA"), e.getMessage());

        // The released blocks come in pairs, the first of each keeping its width.
        Map<String, NDArray> odd = released();
        odd.remove("blocks.5.weight");
        odd.remove("blocks.5.bias");
        odd.put("conv_out.weight", manager.zeros(new Shape(16, 8, 3, 3)));
        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(write("odd.safetensors", odd), manager));
        assertTrue(e.getMessage().contains("5 released blocks"), e.getMessage());
        Map<String, NDArray> widening = released();
        widening.put("blocks.2.weight", manager.zeros(new Shape(4, 8, 3, 3)));
        widening.put("blocks.2.bias", manager.zeros(new Shape(4)));
        widening.put("blocks.3.weight", manager.zeros(new Shape(8, 4, 3, 3)));
        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(write("wide.safetensors", widening), manager));
        assertTrue(e.getMessage().contains("'blocks.2.weight' maps 8 to 4"), e.getMessage());
    }

    @Test
    void malformedFilesAreRefusedNamingFileAndTensor() throws Exception {
        Map<String, NDArray> noBias = released();
        noBias.remove("blocks.3.bias");
        MigLoraException e = assertThrows(MigLoraException.class,
                () -> MaskEncoder.read(write("nobias.safetensors", noBias), manager));
        assertTrue(e.getMessage().contains("'blocks.3.bias' is missing"), e.getMessage());

        Map<String, NDArray> chain = released();
        chain.put("blocks.3.weight", Tiny.random(manager, 1, 1f, 8, 5, 3, 3));
        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(write("chain.safetensors", chain), manager));
        assertTrue(e.getMessage().contains("'blocks.3.weight' takes 5 channels"), e.getMessage());

        Map<String, NDArray> extra = released();
        extra.put("something.else", manager.zeros(new Shape(2)));
        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(write("extra.safetensors", extra), manager));
        assertTrue(e.getMessage().contains("something.else"), e.getMessage());

        Map<String, NDArray> evenKernel = released();
        evenKernel.put("conv_out.weight", manager.zeros(new Shape(16, 16, 2, 2)));
        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(write("even.safetensors", evenKernel),
                manager));
        assertTrue(e.getMessage().contains("'conv_out.weight'"), e.getMessage());

        Map<String, NDArray> sequenceWithoutConvIn = new LinkedHashMap<>();
        sequenceWithoutConvIn.put("mask_encoder.convs.0.weight", manager.zeros(new Shape(16, 1, 3, 3)));
        sequenceWithoutConvIn.put("mask_encoder.convs.0.bias", manager.zeros(new Shape(16)));
        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(write("paper.safetensors",
                sequenceWithoutConvIn), manager));
        assertTrue(e.getMessage().contains("conv_in.weight"), e.getMessage());

        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(write("lora.safetensors",
                Map.of("unet.x.lora_A.weight", manager.zeros(new Shape(2, 2)))), manager));
        assertTrue(e.getMessage().contains("no mask encoder tensors") && e.getMessage().contains("LoRA"),
                e.getMessage());

        Path pickle = dir.resolve("model_1.bin");
        Files.writeString(pickle, "x");
        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(pickle, manager));
        assertTrue(e.getMessage().contains("pickle"), e.getMessage());

        Path junk = dir.resolve("junk.safetensors");
        Files.writeString(junk, "not safetensors at all");
        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(junk, manager));
        assertTrue(e.getMessage().startsWith(junk.toString()), e.getMessage());
    }

    @Test
    void theHookRefusesWhatDoesNotFit() {
        MaskEncoder encoder = MaskEncoder.read(Pack.releasedEncoder(), manager);
        Layout layout = Layout.of("g", List.of(Instance.of("a", new Box(0, 0, 0.5, 0.5))));
        InstanceEmbeddings two = InstanceEmbeddings.of(manager.zeros(new Shape(2, 77, 32)));
        MigLoraException count = assertThrows(MigLoraException.class, () -> new MigHook(encoder, layout,
                InstanceEmbeddings.of(manager.zeros(new Shape(3, 77, 32))), Fusion.AVG, 0.7));
        assertTrue(count.getMessage().contains("1 instances plus the global caption"), count.getMessage());
        for (double beta : new double[] {-0.1, 1.5, Double.NaN}) {
            assertThrows(MigLoraException.class, () -> new MigHook(encoder, layout, two, Fusion.AVG, beta));
        }
        MigLoraException fusion = assertThrows(MigLoraException.class, () -> Fusion.of("max"));
        assertTrue(fusion.getMessage().contains("[sum, avg, mask]"), fusion.getMessage());
        assertThrows(MigLoraException.class, () -> InstanceEmbeddings.of(manager.zeros(new Shape(77, 32))));

        // A 768-wide conditioning on the tiny 32-wide UNet fails at the first step with both widths named.
        MigHook wide = new MigHook(encoder, layout, InstanceEmbeddings.of(manager.zeros(new Shape(2, 77, 768))),
                Fusion.AVG, 1);
        try (var checkpoint = Tiny.checkpoint(manager)) {
            NDArray x = manager.zeros(new Shape(1, 4, 8, 8));
            MigLoraException e = assertThrows(MigLoraException.class, () -> HookedUNet.forward(checkpoint.unet(),
                    List.of(wide), x, manager.full(new Shape(1), 10f), manager.zeros(new Shape(1, 77, 32)),
                    new dev.tessera.model.api.HookContext(new dev.tessera.sampling.ModelStep(0, 1, 10, 1),
                            List.of())));
            assertTrue(e.getMessage().contains("768") && e.getMessage().contains("32"), e.getMessage());
        }
    }
}
