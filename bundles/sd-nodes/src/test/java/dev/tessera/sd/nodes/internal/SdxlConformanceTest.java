package dev.tessera.sd.nodes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.runner.CaseResult;
import dev.tessera.conformance.runner.ConformanceReport;
import dev.tessera.conformance.runner.ConformanceRunner;
import dev.tessera.conformance.runner.Families;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sdxl case of the project's conformance pack, through the shared runner, at the pack's tolerance. */
class SdxlConformanceTest {

    static Path pack() {
        return Sd15ConformanceTest.pack();
    }

    @Test
    void theSdxlCasePassesOnBothLayoutsThroughTheSharedCheckpoint() {
        List<ConformanceFamily> families = new ArrayList<>(Families.builtin());
        families.add(new SdxlFamily());
        List<String> lines = new ArrayList<>();
        ConformanceReport report;
        try (NDManager manager = NDManager.newBaseManager()) {
            report = new ConformanceRunner(families).run(pack(), Set.of("sdxl"), manager, DataType.FLOAT32,
                    lines::add);
        }
        lines.forEach(System.out::println);
        List<CaseResult> results = report.results();
        assertEquals(1, results.size(), String.join("\n", lines));
        for (CaseResult result : results) {
            assertEquals(CaseResult.Status.PASS, result.status(), result.line());
            assertTrue(result.outcome().comparisons().stream().anyMatch(c -> c.output().endsWith("[single-file]")),
                    "both layouts ran: " + result.line());
        }
    }
}
