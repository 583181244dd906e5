package dev.tessera.editor;

import dev.tessera.testing.NodeTestRun;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The editor's script tests (test/*.test.js: object_info parsing, workflow conversion, PNG chunks, progress). */
class EditorScriptsTest {

    @TestFactory
    Stream<DynamicTest> scriptTests() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        return NodeTestRun.run(dir, List.of("test/"), 120);
    }
}
