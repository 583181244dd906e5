package dev.tessera.graph.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.engine.ValidationReport;
import dev.tessera.graph.engine.WorkflowParseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs test-workflows/invalid through the parser and validator with node types declared as the real ones are
 * (ComfyUI's names, inputs and ranges) and compares with the hand-written {@code .expected} sidecars.
 */
class InvalidWorkflowCorpusTest {

    private static final Path CORPUS = repoRoot().resolve("test-workflows/invalid");

    private final Fixtures f = new Fixtures();

    private static Path repoRoot() {
        String conformance = System.getProperty("tessera.conformance.dir");
        if (conformance != null) return Path.of(conformance).toAbsolutePath().getParent().getParent();
        return Path.of("").toAbsolutePath().getParent().getParent();
    }

    @BeforeEach
    void registerComfyLikeTypes() {
        Path input = CORPUS.resolve("input");
        primitive("PrimitiveInt", InputSpec.integer("value", 0, -Long.MAX_VALUE, Long.MAX_VALUE, 1), ValueType.INT);
        primitive("PrimitiveFloat", InputSpec.decimal("value", 0, -(double) Long.MAX_VALUE, (double) Long.MAX_VALUE, 0.1, 0.1), ValueType.FLOAT);
        primitive("PrimitiveString", InputSpec.string("value", "", false), ValueType.STRING);
        primitive("PrimitiveBoolean", InputSpec.bool("value", false), ValueType.BOOLEAN);
        f.register(new TestNode(NodeDescriptor.builder("LoadImage")
                .input(InputSpec.combo("image", () -> listFiles(input), null))
                .output("IMAGE", ValueType.IMAGE).output("MASK", ValueType.MASK).build(),
                (in, ctx) -> NodeResult.of("image " + in.getString("image"), "mask")));
        f.register(new TestNode(NodeDescriptor.builder("ImageScale")
                .input(InputSpec.link("image", ValueType.IMAGE))
                .input(InputSpec.combo("upscale_method", List.of("nearest-exact", "bilinear", "area", "bicubic", "lanczos")))
                .input(InputSpec.integer("width", 512, 0, 16384, 1))
                .input(InputSpec.integer("height", 512, 0, 16384, 1))
                .input(InputSpec.combo("crop", List.of("disabled", "center")))
                .output("IMAGE", ValueType.IMAGE).build(), (in, ctx) -> NodeResult.of(in.get("image", Object.class))));
        f.register(new TestNode(NodeDescriptor.builder("SaveImage").input(InputSpec.link("images", ValueType.IMAGE))
                .input(InputSpec.string("filename_prefix", "Tessera", false)).outputNode(true).build(), (in, ctx) -> NodeResult.of()));
        f.register(new TestNode(NodeDescriptor.builder("PreviewImage").input(InputSpec.link("images", ValueType.IMAGE))
                .outputNode(true).build(), (in, ctx) -> NodeResult.of()));
    }

    private void primitive(String typeId, InputSpec value, ValueType type) {
        f.register(new TestNode(NodeDescriptor.builder(typeId).input(value).output(type.name(), type).build(),
                (in, ctx) -> NodeResult.of(in.get("value", Object.class))));
    }

    private static List<String> listFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyWorkflowHasItsExpectations() throws IOException {
        List<String> workflows = names(".json");
        assertEquals(workflows, names(".expected"));
        assertTrue(workflows.size() >= 12, "the corpus has one file per malformation: " + workflows);
    }

    @TestFactory
    Stream<DynamicTest> eachMalformedWorkflowGivesExactlyItsExpectedErrors() throws IOException {
        return names(".json").stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            List<String> expected = Files.readAllLines(CORPUS.resolve(name + ".expected")).stream()
                    .map(String::strip).filter(l -> !l.isEmpty()).sorted().toList();
            assertFalse(expected.isEmpty(), name + ".expected lists no error");
            assertEquals(expected, actual(Files.readString(CORPUS.resolve(name + ".json")), name).stream().sorted().toList(), name);
        }));
    }

    private List<String> actual(String text, String name) {
        List<String> lines = new ArrayList<>();
        try {
            ValidationReport report = f.engine.validate(f.engine.parse(text, name + ".json"));
            report.errors().forEach(p -> lines.add(line(p.nodeId(), p.inputName(), p.type())));
        } catch (WorkflowParseException e) {
            e.problems().forEach(p -> lines.add(line(p.nodeId(), p.inputName(), p.type())));
        }
        return lines;
    }

    private static String line(String node, String input, String type) {
        return (node == null ? "-" : node) + " " + (input == null ? "-" : input) + " " + type;
    }

    private static List<String> names(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .map(n -> n.substring(0, n.length() - suffix.length())).sorted().toList();
        }
    }
}
