package dev.tessera.image.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.internal.TestEngine;
import dev.tessera.image.ImageBatch;
import dev.tessera.testing.CpuRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An IMAGE with NaN never reaches a file: the node that made it fails, by id, and SaveImage writes nothing. */
class NonFiniteImageTest {

    @TempDir
    Path home;

    private final CpuRuntime runtime = new CpuRuntime();

    @AfterEach
    void close() {
        runtime.close();
    }

    /** {@code Broken{value: FLOAT}} -> IMAGE: a 2x2 image whose first sample is the value (as a decoder would). */
    private final class Broken implements NodeType {
        @Override
        public NodeDescriptor descriptor() {
            return NodeDescriptor.builder("Broken").input(InputSpec.string("value", "nan", false))
                    .output("IMAGE", ValueType.IMAGE).build();
        }

        @Override
        public NodeResult execute(NodeInputs in, ExecutionContext ctx) {
            float[] values = new float[2 * 2 * 3];
            values[0] = Float.parseFloat(in.getString("value"));
            var manager = runtime.newManager("broken");
            return NodeResult.of(ImageBatch.owning(manager, manager.create(values, new ai.djl.ndarray.types.Shape(1, 2, 2, 3))));
        }
    }

    @Test
    void aNaNImageFailsItsProducerAndNothingIsSaved() throws Exception {
        TestEngine engine = new TestEngine(home);
        engine.register(new Broken());
        engine.register(new SaveImageNode(engine.folders()));
        try {
            for (String value : new String[] {"NaN", "Infinity"}) {
                RunResult r = engine.engine().run(engine.engine().parse("""
                        {"8": {"class_type": "Broken", "inputs": {"value": "%s"}},
                         "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "nan"}}}
                        """.formatted(value), null), RunOptions.defaults(), e -> { });
                assertEquals(RunResult.Status.FAILED, r.status(), value);
                assertEquals("8", r.error().nodeId());
                assertEquals("Broken", r.error().classType());
                assertTrue(r.error().message().contains("not finite"), r.error().message());
                try (Stream<Path> files = Files.list(engine.folders().output())) {
                    assertEquals(0, files.count(), "nothing saved");
                }
            }
            RunResult fine = engine.engine().run(engine.engine().parse("""
                    {"8": {"class_type": "Broken", "inputs": {"value": "0.5"}},
                     "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "ok"}}}
                    """, null), RunOptions.defaults(), e -> { });
            assertEquals(RunResult.Status.SUCCESS, fine.status(), () -> String.valueOf(fine.error()));
        } finally {
            engine.close();
        }
    }
}
