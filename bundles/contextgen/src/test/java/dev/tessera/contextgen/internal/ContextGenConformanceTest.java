package dev.tessera.contextgen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.runner.CaseResult;
import dev.tessera.conformance.runner.ConformanceReport;
import dev.tessera.conformance.runner.ConformanceRunner;
import dev.tessera.conformance.runner.Families;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every contextgen case of the project's conformance pack, through the shared runner, exactly. */
class ContextGenConformanceTest {

    static Path pack() {
        String dir = System.getProperty("tessera.conformance.dir");
        assertTrue(dir != null && Files.isDirectory(Path.of(dir)), "tessera.conformance.dir must name the pack: " + dir);
        return Path.of(dir);
    }

    @Test
    void everyContextGenCasePassesExactly() {
        List<ConformanceFamily> families = new ArrayList<>(Families.builtin());
        families.add(new ContextGenFamily());
        List<String> lines = new ArrayList<>();
        ConformanceReport report;
        try (NDManager manager = NDManager.newBaseManager()) {
            report = new ConformanceRunner(families).run(pack(), Set.of("contextgen"), manager, DataType.FLOAT32,
                    lines::add);
        }
        lines.forEach(System.out::println);
        List<CaseResult> results = report.results();
        assertEquals(3, results.size(), String.join("\n", lines));
        for (CaseResult result : results) {
            assertEquals(CaseResult.Status.PASS, result.status(), result.line());
            assertEquals(6, result.outcome().comparisons().size(), result.line());
        }
    }
}
