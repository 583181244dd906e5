package dev.tessera.layout.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.Widget;
import dev.tessera.image.PngText;
import dev.tessera.image.internal.nodes.SaveImageNode;
import dev.tessera.layout.internal.RuleBasedLayoutParser;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RunScope;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sample-workflows/layout-preview.json checked against the nodes' descriptors and validation, then run node by node
 * as the engine would (the engine's registry is internal to its bundle; the image bundle's SaveImage is on the test
 * class path as a plain class).
 */
class LayoutPreviewWorkflowTest {

    private static final Path SAMPLE = Path.of("../../sample-workflows/layout-preview.json");

    @TempDir
    Path root;

    private final CpuRuntime runtime = new CpuRuntime();
    private final RunScope scope = new RunScope();

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        runtime.close();
    }

    /** Folders under one temporary root. */
    private record TempFolders(Path root) implements Folders {
        @Override public Path output() { return root.resolve("output"); }
        @Override public Path input() { return root.resolve("input"); }
        @Override public Path temp() { return root.resolve("temp"); }
        @Override public Path models() { return root.resolve("models"); }
        @Override public List<String> listModelFiles(String kind, List<String> extensions) { return List.of(); }
        @Override public Path resolveModelFile(String kind, String name) {
            throw NodeException.invalidInput(kind, "no model files here");
        }
    }

    private Map<String, NodeType> types(Folders folders) {
        LayoutFromTextNode fromText = new LayoutFromTextNode();
        fromText.addParser(new RuleBasedLayoutParser());
        return Map.of("LayoutFromText", fromText, "LayoutPreview", new LayoutPreviewNode(runtime),
                "SaveImage", new SaveImageNode(folders));
    }

    @Test
    void sampleValidatesAndSavesThePreview() throws IOException {
        String text = Files.readString(SAMPLE);
        JsonObject workflow = JsonParser.parseString(text).getAsJsonObject();
        Folders folders = new TempFolders(root);
        Files.createDirectories(folders.output());
        Map<String, NodeType> types = types(folders);
        for (String id : workflow.keySet()) checkAgainstDescriptor(id, workflow, types);

        Map<String, NodeResult> done = new HashMap<>();
        NodeResult saved = execute("3", workflow, types, done, text);
        @SuppressWarnings("unchecked")
        List<ImageRef> refs = (List<ImageRef>) saved.ui().get("images");
        assertEquals(1, refs.size());
        Path png = folders.output().resolve(refs.get(0).filename());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(768, image.getWidth(), "LayoutPreview's 0 takes LayoutFromText's canvas");
        assertEquals(512, image.getHeight());
        long tinted = 0;
        for (int y = 0; y < 512; y += 4) {
            for (int x = 0; x < 768; x += 4) tinted += (image.getRGB(x, y) & 0xFFFFFF) != 0x202020 ? 1 : 0;
        }
        assertTrue(tinted > 768 * 512 / 16 / 3, "three boxes cover a good part of the canvas: " + tinted);
        assertEquals(text, PngText.read(png).get("prompt"), "the workflow is embedded as given");
    }

    /** The host's checks: declared inputs only, required ones present, literals in range, the node's own validate. */
    private static void checkAgainstDescriptor(String id, JsonObject workflow, Map<String, NodeType> types) {
        JsonObject node = workflow.getAsJsonObject(id);
        NodeType type = types.get(node.get("class_type").getAsString());
        JsonObject inputs = node.getAsJsonObject("inputs");
        MapInputs literals = new MapInputs();
        for (String name : inputs.keySet()) {
            InputSpec spec = type.descriptor().input(name).orElseThrow(() -> new AssertionError(id + ": unknown " + name));
            JsonElement value = inputs.get(name);
            if (value.isJsonArray()) {
                JsonArray link = value.getAsJsonArray();
                JsonObject source = workflow.getAsJsonObject(link.get(0).getAsString());
                var produced = types.get(source.get("class_type").getAsString()).descriptor().outputs()
                        .get(link.get(1).getAsInt()).type();
                assertTrue(spec.type().accepts(produced), id + "." + name + " takes " + produced);
                continue;
            }
            Object literal = literal(spec, value);
            if (spec.widget() instanceof Widget.IntWidget w) {
                long v = (Long) literal;
                assertTrue(v >= w.min() && v <= w.max(), id + "." + name + " in range");
            } else if (spec.widget() instanceof Widget.ComboWidget c) {
                assertTrue(c.currentOptions().contains(literal), id + "." + name + " is an option");
            }
            literals.with(name, literal);
        }
        for (InputSpec spec : type.descriptor().inputs()) {
            assertTrue(spec.optional() || inputs.has(spec.name()), id + ": " + spec.name() + " given");
        }
        assertEquals(List.of(), type.validate(literals), id);
    }

    private static Object literal(InputSpec spec, JsonElement value) {
        return switch (spec.type().name()) {
            case "INT" -> value.getAsLong();
            case "BOOLEAN" -> value.getAsBoolean();
            default -> value.getAsString();
        };
    }

    private NodeResult execute(String id, JsonObject workflow, Map<String, NodeType> types,
            Map<String, NodeResult> done, String workflowText) {
        if (done.containsKey(id)) return done.get(id);
        JsonObject node = workflow.getAsJsonObject(id);
        NodeType type = types.get(node.get("class_type").getAsString());
        MapInputs in = new MapInputs();
        JsonObject inputs = node.getAsJsonObject("inputs");
        for (String name : inputs.keySet()) {
            JsonElement value = inputs.get(name);
            if (value.isJsonArray()) {
                JsonArray link = value.getAsJsonArray();
                in.with(name, execute(link.get(0).getAsString(), workflow, types, done, workflowText)
                        .value(link.get(1).getAsInt()));
            } else {
                in.with(name, literal(type.descriptor().input(name).orElseThrow(), value));
            }
        }
        NodeResult result = type.execute(in, new RecordingContext(scope).withNodeId(id).withWorkflow(workflowText, Map.of()));
        done.put(id, result);
        return result;
    }
}
