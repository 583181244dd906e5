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
import dev.tessera.sd.nodes.api.HookedUNet;

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
    void malformedFilesAreRefusedNamingFileAndTensor() throws Exception {
        Map<String, NDArray> noBias = released();
        noBias.remove("mask_encoder.blocks.3.bias");
        MigLoraException e = assertThrows(MigLoraException.class,
                () -> MaskEncoder.read(write("nobias.safetensors", noBias), manager));
        assertTrue(e.getMessage().contains("'mask_encoder.blocks.3.bias' is missing"), e.getMessage());

        Map<String, NDArray> chain = released();
        chain.put("mask_encoder.blocks.2.weight", Tiny.random(manager, 1, 1f, 8, 5, 3, 3));
        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(write("chain.safetensors", chain), manager));
        assertTrue(e.getMessage().contains("'mask_encoder.blocks.2.weight' takes 5 channels"), e.getMessage());

        Map<String, NDArray> extra = released();
        extra.put("something.else", manager.zeros(new Shape(2)));
        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(write("extra.safetensors", extra), manager));
        assertTrue(e.getMessage().contains("something.else"), e.getMessage());

        Map<String, NDArray> evenKernel = released();
        evenKernel.put("mask_encoder.conv_out.weight", manager.zeros(new Shape(16, 16, 2, 2)));
        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(write("even.safetensors", evenKernel),
                manager));
        assertTrue(e.getMessage().contains("mask_encoder.conv_out.weight"), e.getMessage());

        Map<String, NDArray> sequenceWithoutConvIn = new LinkedHashMap<>();
        sequenceWithoutConvIn.put("mask_encoder.convs.0.weight", manager.zeros(new Shape(16, 1, 3, 3)));
        sequenceWithoutConvIn.put("mask_encoder.convs.0.bias", manager.zeros(new Shape(16)));
        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(write("paper.safetensors",
                sequenceWithoutConvIn), manager));
        assertTrue(e.getMessage().contains("conv_in.weight"), e.getMessage());

        e = assertThrows(MigLoraException.class, () -> MaskEncoder.read(write("lora.safetensors",
                Map.of("unet.x.lora_A.weight", manager.zeros(new Shape(2, 2)))), manager));
        assertTrue(e.getMessage().contains("no mask encoder tensors"), e.getMessage());

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
