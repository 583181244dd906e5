package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.diffusion.nodes.internal.nodes.CLIPTextEncodeNode;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.Widget;
import dev.tessera.testing.ConformancePack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Type ids, display names, categories, inputs (order, types, widget defaults and ranges) and outputs as ComfyUI's
 * nodes.py declares them (written out here by hand from ComfyUI's source), so API-format workflows carry over.
 */
class DescriptorsTest {

    @TempDir
    Path home;
    private Graph graph;

    @BeforeEach
    void setUp() {
        graph = new Graph(home, ConformancePack.tinySd15Models(home));
    }

    @AfterEach
    void tearDown() {
        graph.close();
    }

    private NodeDescriptor node(String id) {
        return graph.engine().nodeType(id).orElseThrow();
    }

    private static String signature(NodeDescriptor d) {
        return d.inputs().stream().map(i -> i.name() + ":" + i.type().name()).collect(Collectors.joining(", "))
                + " -> " + d.outputs().stream().map(o -> o.name() + ":" + o.type().name())
                .collect(Collectors.joining(", "));
    }

    private static Widget widget(NodeDescriptor d, String input) {
        return d.input(input).orElseThrow().widget();
    }

    @Test
    void namesCategoriesAndSignaturesAreComfyUis() {
        Map<String, List<String>> expected = Map.of(
                "CheckpointLoaderSimple", List.of("Load Checkpoint", "loaders",
                        "ckpt_name:COMBO -> MODEL:MODEL, CLIP:CLIP, VAE:VAE"),
                "CLIPTextEncode", List.of("CLIP Text Encode (Prompt)", "conditioning",
                        "text:STRING, clip:CLIP -> CONDITIONING:CONDITIONING"),
                "CLIPSetLastLayer", List.of("CLIP Set Last Layer", "conditioning",
                        "clip:CLIP, stop_at_clip_layer:INT -> CLIP:CLIP"),
                "EmptyLatentImage", List.of("Empty Latent Image", "latent",
                        "width:INT, height:INT, batch_size:INT -> LATENT:LATENT"),
                "KSampler", List.of("KSampler", "sampling", "model:MODEL, seed:INT, steps:INT, cfg:FLOAT,"
                        + " sampler_name:COMBO, scheduler:COMBO, positive:CONDITIONING, negative:CONDITIONING,"
                        + " latent_image:LATENT, denoise:FLOAT -> LATENT:LATENT"),
                "KSamplerAdvanced", List.of("KSampler (Advanced)", "sampling", "model:MODEL, add_noise:COMBO,"
                        + " noise_seed:INT, steps:INT, cfg:FLOAT, sampler_name:COMBO, scheduler:COMBO,"
                        + " positive:CONDITIONING, negative:CONDITIONING, latent_image:LATENT, start_at_step:INT,"
                        + " end_at_step:INT, return_with_leftover_noise:COMBO -> LATENT:LATENT"),
                "VAEDecode", List.of("VAE Decode", "latent", "samples:LATENT, vae:VAE -> IMAGE:IMAGE"),
                "VAEEncode", List.of("VAE Encode", "latent", "pixels:IMAGE, vae:VAE -> LATENT:LATENT"),
                "VAELoader", List.of("Load VAE", "loaders", "vae_name:COMBO -> VAE:VAE"),
                "CheckpointLoaderWithArch", List.of("Load Checkpoint With Architecture", "advanced/loaders",
                        "arch_name:COMBO, ckpt_name:COMBO -> MODEL:MODEL, CLIP:CLIP, VAE:VAE"));
        expected.forEach((id, want) -> {
            NodeDescriptor d = node(id);
            assertEquals(want.get(0), d.displayName(), id);
            assertEquals(want.get(1), d.category(), id);
            assertEquals(want.get(2), signature(d), id);
            assertFalse(d.outputNode(), id);
            assertTrue(d.inputs().stream().noneMatch(InputSpec::optional), id + ": every input is required");
            assertTrue(d.outputs().stream().noneMatch(OutputSpec::isList), id);
        });
    }

    /** The conditioning nodes, as ComfyUI's nodes.py declares them (ConditioningAverage's display name as intended). */
    @Test
    void conditioningNodesAreComfyUis() {
        Map<NodeDescriptor, List<String>> expected = Map.of(
                new ConditioningConcatNode(null).descriptor(), List.of("ConditioningConcat", "Conditioning (Concat)",
                        "conditioning", "conditioning_to:CONDITIONING, conditioning_from:CONDITIONING"
                        + " -> CONDITIONING:CONDITIONING"),
                new ConditioningAverageNode(null).descriptor(), List.of("ConditioningAverage",
                        "Conditioning (Average)", "conditioning", "conditioning_to:CONDITIONING,"
                        + " conditioning_from:CONDITIONING, conditioning_to_strength:FLOAT -> CONDITIONING:CONDITIONING"),
                new ConditioningSetTimestepRangeNode(null).descriptor(), List.of("ConditioningSetTimestepRange",
                        "ConditioningSetTimestepRange", "advanced/conditioning",
                        "conditioning:CONDITIONING, start:FLOAT, end:FLOAT -> CONDITIONING:CONDITIONING"),
                new ConditioningSetMaskNode(null).descriptor(), List.of("ConditioningSetMask",
                        "Conditioning (Set Mask)", "conditioning", "conditioning:CONDITIONING, mask:MASK,"
                        + " strength:FLOAT, set_cond_area:COMBO -> CONDITIONING:CONDITIONING"));
        expected.forEach((d, want) -> {
            assertEquals(want.get(0), d.typeId());
            assertEquals(want.get(1), d.displayName(), want.get(0));
            assertEquals(want.get(2), d.category(), want.get(0));
            assertEquals(want.get(3), signature(d), want.get(0));
        });
        assertEquals(new Widget.FloatWidget(1.0, 0.0, 1.0, 0.01, 0.01),
                widget(new ConditioningAverageNode(null).descriptor(), "conditioning_to_strength"));
        NodeDescriptor range = new ConditioningSetTimestepRangeNode(null).descriptor();
        assertEquals(new Widget.FloatWidget(0.0, 0.0, 1.0, 0.001, 0.001), widget(range, "start"));
        assertEquals(new Widget.FloatWidget(1.0, 0.0, 1.0, 0.001, 0.001), widget(range, "end"));
        NodeDescriptor mask = new ConditioningSetMaskNode(null).descriptor();
        assertEquals(new Widget.FloatWidget(1.0, 0.0, 10.0, 0.01, 0.01), widget(mask, "strength"));
        assertEquals(List.of("default", "mask bounds"),
                ((Widget.ComboWidget) widget(mask, "set_cond_area")).currentOptions());
    }

    @Test
    void widgetsHaveComfyUisDefaultsAndRanges() {
        NodeDescriptor k = node("KSampler");
        assertEquals(new Widget.IntWidget(0, 0, Widget.IntWidget.UNSIGNED_MAX, 1), widget(k, "seed"));
        assertEquals(new java.math.BigInteger("18446744073709551615"), ((Widget.IntWidget) widget(k, "seed")).maxValue(),
                "ComfyUI's seed range ends at 0xffffffffffffffff");
        assertEquals(new Widget.IntWidget(20, 1, 10000, 1), widget(k, "steps"));
        assertEquals(new Widget.FloatWidget(8.0, 0.0, 100.0, 0.1, 0.01), widget(k, "cfg"));
        assertEquals(new Widget.FloatWidget(1.0, 0.0, 1.0, 0.01, 0.01), widget(k, "denoise"));
        assertEquals(List.of("euler", "euler_ancestral", "ddim", "dpmpp_2m", "uni_pc", "uni_pc_bh2"),
                ((Widget.ComboWidget) widget(k, "sampler_name")).currentOptions());
        assertEquals(List.of("normal", "karras", "exponential", "sgm_uniform", "simple", "ddim_uniform", "beta"),
                ((Widget.ComboWidget) widget(k, "scheduler")).currentOptions());

        NodeDescriptor a = node("KSamplerAdvanced");
        assertEquals(List.of("enable", "disable"), ((Widget.ComboWidget) widget(a, "add_noise")).currentOptions());
        assertEquals(new Widget.IntWidget(0, 0, Widget.IntWidget.UNSIGNED_MAX, 1), widget(a, "noise_seed"));
        assertEquals(new Widget.IntWidget(0, 0, 10000, 1), widget(a, "start_at_step"));
        assertEquals(new Widget.IntWidget(10000, 0, 10000, 1), widget(a, "end_at_step"));
        assertEquals(List.of("disable", "enable"),
                ((Widget.ComboWidget) widget(a, "return_with_leftover_noise")).currentOptions());

        NodeDescriptor e = node("EmptyLatentImage");
        assertEquals(new Widget.IntWidget(512, 16, 16384, 8), widget(e, "width"));
        assertEquals(new Widget.IntWidget(512, 16, 16384, 8), widget(e, "height"));
        assertEquals(new Widget.IntWidget(1, 1, 4096, 1), widget(e, "batch_size"));
        assertEquals(new Widget.IntWidget(-1, -24, -1, 1), widget(node("CLIPSetLastLayer"), "stop_at_clip_layer"));
        assertEquals(new Widget.StringWidget("", true), widget(node("CLIPTextEncode"), "text"));
    }

    @Test
    void modelCombosListTheFoldersAndFollowThemAsFilesComeAndGo() throws Exception {
        Widget.ComboWidget ckpt = (Widget.ComboWidget) widget(node("CheckpointLoaderSimple"), "ckpt_name");
        assertEquals(List.of("tiny-sd15.safetensors"), ckpt.currentOptions(), "arch and tokenizer files are not listed");
        assertEquals("tiny-sd15.safetensors", ckpt.currentDefault());
        Path more = home.resolve("models/checkpoints/sub/other.safetensors");
        ConformancePack.copy(home.resolve("models/checkpoints/tiny-sd15.safetensors"), more);
        assertEquals(List.of("sub/other.safetensors", "tiny-sd15.safetensors"), ckpt.currentOptions());
        Files.delete(more);
        assertEquals(List.of("tiny-sd15.safetensors"), ckpt.currentOptions());

        Widget.ComboWidget vae = (Widget.ComboWidget) widget(node("VAELoader"), "vae_name");
        assertEquals(List.of(), vae.currentOptions());
        ConformancePack.copy(home.resolve("models/checkpoints/tiny-sd15.safetensors"), home.resolve("models/vae/x.safetensors"));
        assertEquals(List.of("x.safetensors"), vae.currentOptions());
        Widget.ComboWidget arch = (Widget.ComboWidget) widget(node("CheckpointLoaderWithArch"), "arch_name");
        ConformancePack.copy(home.resolve("models/checkpoints/tiny-sd15.arch.json"), home.resolve("models/configs/t.arch.json"));
        ConformancePack.copy(home.resolve("models/checkpoints/tiny-sd15.arch.json"), home.resolve("models/configs/t.yaml"));
        assertEquals(List.of("t.arch.json"), arch.currentOptions());
    }

    @Test
    void clipTextEncodeRefusesAPromptOverTheCharacterLimitAtValidation() {
        CLIPTextEncodeNode node = new CLIPTextEncodeNode(null);
        var problems = node.validate(new dev.tessera.testing.MapInputs().with("text", "x".repeat(20_001)));
        assertEquals(1, problems.size());
        assertEquals("text", problems.get(0).input());
        assertEquals("the prompt has 20001 characters, more than the limit of 20000 (tessera.prompt.maxChars)",
                problems.get(0).message());
        assertEquals(List.of(), node.validate(new dev.tessera.testing.MapInputs().with("text", "x".repeat(20_000))));
    }
}
