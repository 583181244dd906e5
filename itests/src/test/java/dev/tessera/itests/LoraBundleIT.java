package dev.tessera.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.Widget;
import dev.tessera.graph.engine.WorkflowEngine;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.inject.Inject;
import org.junit.Test;
import org.osgi.framework.Bundle;

/**
 * LoRA hot-swap in the running application: a LoRA packaged by {@code tessera lora-bundle} and installed as a bundle
 * appears among LoraLoader's options, a workflow uses it on the tiny SD1.5 checkpoint, and once the bundle is
 * uninstalled the option is gone and a workflow naming it fails validation. The {@code models/loras} folder is
 * followed the same way.
 */
public class LoraBundleIT extends TesseraOsgiTestBase {

    private static final String NAME = "itest_kohya";

    @Inject
    private WorkflowEngine engine;

    @Test
    public void aLoraBundleInstalledWhileRunningIsOfferedUsedAndGoneWithItsBundle() throws Exception {
        Bundle lora = Arrays.stream(context.getBundles()).filter(b -> "dev.tessera.lora".equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError("tessera.jar has no dev.tessera.lora bundle"));
        assertEquals("the lora bundle is active", Bundle.ACTIVE, lora.getState());
        Path work = Files.createDirectories(TesseraFramework.home().resolve("lora-it"));
        installTinyCheckpoint();

        CliRun packaged = tessera("lora-bundle", TesseraFramework.repo()
                .resolve("testdata/conformance/lora/tiny-sd15-kohya.safetensors").toString(), "--name", NAME, "--out",
                work.toString());
        assertEquals(packaged.toString(), 0, packaged.code());
        Path jar = Paths.get(packaged.out().strip());
        assertEquals(work.resolve("lora-" + NAME + ".jar"), jar);
        assertFalse(options("LoraLoader").contains(NAME));

        Bundle bundle = context.installBundle(jar.toUri().toString());
        try {
            bundle.start();
            await("LoraLoader offers " + NAME, Duration.ofSeconds(10), () -> options("LoraLoader").contains(NAME));
            assertTrue(options("LoraLoaderModelOnly").contains(NAME));

            Path withLora = writeWorkflow(work, "with-lora", 1.0);
            Path noLora = writeWorkflow(work, "no-lora", 0.0);
            engine.clearCache();
            CliRun run = tessera("run", withLora.toString());
            assertEquals(run.toString(), 0, run.code());
            assertTrue(run.toString(), run.err().contains("LoraLoader #8"));
            CliRun base = tessera("run", noLora.toString());
            assertEquals(base.toString(), 0, base.code());
            // Strength 0 is the base model; strength 1 must change the picture (the LoRA really applied).
            assertFalse("the LoRA changes the image", Arrays.equals(pixels(saved(run, "with-lora")),
                    pixels(saved(base, "no-lora"))));
        } finally {
            bundle.uninstall();
        }
        await(NAME + " leaves LoraLoader's options", Duration.ofSeconds(10), () -> !options("LoraLoader").contains(NAME));
        CliRun gone = tessera("run", writeWorkflow(work, "after-uninstall", 1.0).toString());
        assertEquals(gone.toString(), 1, gone.code());
        assertTrue(gone.toString(), gone.err().contains("node 8 (LoraLoader) input 'lora_name': value_not_in_list: '"
                + NAME + "' is not one of its options"));
        assertFalse("no stack trace: " + gone, gone.err().contains("\tat "));
    }

    @Test
    public void theLorasFolderIsFollowedTheSameWay() throws Exception {
        Path loras = Files.createDirectories(TesseraFramework.home().resolve("models/loras/it"));
        Path file = loras.resolve("folder-lora.safetensors");
        Files.copy(TesseraFramework.repo().resolve("testdata/conformance/lora/tiny-sd15-peft.safetensors"), file,
                StandardCopyOption.REPLACE_EXISTING);
        try {
            assertTrue(options("LoraLoader").contains("it/folder-lora.safetensors"));
        } finally {
            Files.delete(file);
        }
        assertFalse(options("LoraLoader").contains("it/folder-lora.safetensors"));
    }

    @Test
    public void aBrokenLoraFileFailsItsNodeClearlyAndTheHostKeepsRunning() throws Exception {
        installTinyCheckpoint();
        Path work = Files.createDirectories(TesseraFramework.home().resolve("lora-it"));
        Path broken = Files.writeString(Files.createDirectories(TesseraFramework.home().resolve("models/loras"))
                .resolve("broken.safetensors"), "this is not a safetensors file");
        try {
            CliRun run = tessera("run", writeWorkflow(work, "broken", "broken.safetensors", 1.0).toString());
            assertEquals(run.toString(), 1, run.code());
            assertTrue(run.toString(), run.err().contains("node 8 (LoraLoader)") && run.err().contains("lora_name")
                    && run.err().contains("broken.safetensors: not a readable LoRA safetensors file"));
            assertFalse("no stack trace: " + run, run.err().contains("\tat "));
        } finally {
            Files.delete(broken);
        }
        CliRun after = tessera("run", TesseraFramework.repo().resolve("sample-workflows/image-roundtrip.json").toString());
        assertEquals("the host still runs workflows: " + after, 0, after.code());
    }

    @Test
    public void theConformanceCommandRunsTheLoraCases() {
        CliRun run = tessera("conformance", TesseraFramework.repo().resolve("testdata/conformance").toString(), "--only",
                "lora");
        assertEquals(run.toString(), 0, run.code());
        List<String> cases = run.outLines().stream().filter(l -> l.matches("^(PASS|FAIL|SKIP) .*")).toList();
        assertEquals(run.toString(), 1, cases.size());
        String line = cases.get(0);
        assertTrue(run.toString(), line.startsWith("PASS lora/cases.safetensors "));
        for (String output : List.of("unet_out_kohya_strength_1.0=", "unet_out_kohya_strength_0.5=",
                "unet_out_peft_strength_1.0=", "te_last_hidden_state_kohya_strength_1.0=",
                "unet_out_kohya_strength_1.0[single-file]=")) {
            assertTrue(output + " compared: " + line, line.contains(output));
        }
        assertTrue(run.toString(), run.out().contains("1 passed, 0 failed, 0 skipped"));
    }

    private List<String> options(String nodeType) {
        NodeDescriptor descriptor = engine.nodeType(nodeType)
                .orElseThrow(() -> new AssertionError("no node type " + nodeType));
        return ((Widget.ComboWidget) descriptor.input("lora_name").orElseThrow().widget()).currentOptions();
    }

    /** The pack's tiny SD1.5 (sample-workflows/models) in the suite's models/checkpoints folder. */
    private static void installTinyCheckpoint() throws IOException {
        Path from = TesseraFramework.repo().resolve("sample-workflows/models/checkpoints");
        Path to = TesseraFramework.home().resolve("models/checkpoints");
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The txt2img sample (2 steps) with LoraLoader #8 between the checkpoint and its users. */
    private static Path writeWorkflow(Path dir, String prefix, double strength) throws IOException {
        return writeWorkflow(dir, prefix, NAME, strength);
    }

    private static Path writeWorkflow(Path dir, String prefix, String loraName, double strength) throws IOException {
        String json = """
                {
                  "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "tiny-sd15.safetensors"}},
                  "8": {"class_type": "LoraLoader", "inputs": {"model": ["1", 0], "clip": ["1", 1],
                        "lora_name": "%s", "strength_model": %s, "strength_clip": %s}},
                  "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red apple", "clip": ["8", 1]}},
                  "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["8", 1]}},
                  "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
                  "5": {"class_type": "KSampler", "inputs": {"model": ["8", 0], "seed": 42, "steps": 2, "cfg": 7.5,
                        "sampler_name": "euler", "scheduler": "normal", "positive": ["2", 0], "negative": ["3", 0],
                        "latent_image": ["4", 0], "denoise": 1.0}},
                  "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
                  "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "%s"}}
                }
                """.formatted(loraName, strength, strength, prefix);
        return Files.writeString(dir.resolve(prefix + ".json"), json);
    }

    private static Path saved(CliRun run, String prefix) {
        List<String> lines = run.outLines().stream().filter(l -> l.contains(prefix + "_")).toList();
        assertEquals(run.toString(), 1, lines.size());
        return Paths.get("").toAbsolutePath().resolve(lines.get(0));
    }

    private static int[] pixels(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
