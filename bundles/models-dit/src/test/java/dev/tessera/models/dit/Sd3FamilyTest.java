package dev.tessera.models.dit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.runner.CaseResult;
import dev.tessera.conformance.runner.ConformanceReport;
import dev.tessera.conformance.runner.ConformanceRunner;
import dev.tessera.conformance.runner.Families;
import dev.tessera.models.dit.internal.Sd3Family;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pack's sd3 case through the shared runner, on both layouts of its MMDiT, at the pack's tolerance. */
class Sd3FamilyTest {

    @Test
    void theSd3TransformerCasePassesOnBothLayouts() {
        List<ConformanceFamily> families = new ArrayList<>(Families.builtin());
        families.add(new Sd3Family());
        List<String> lines = new ArrayList<>();
        ConformanceReport report;
        try (NDManager manager = NDManager.newBaseManager()) {
            report = new ConformanceRunner(families).run(Pack.root(), Set.of("sd3"), manager, DataType.FLOAT32,
                    lines::add);
        }
        lines.forEach(System.out::println);
        List<CaseResult> results = report.results();
        assertEquals(1, results.size(), String.join("\n", lines));
        CaseResult result = results.get(0);
        assertEquals(CaseResult.Status.PASS, result.status(), result.line());
        assertEquals(List.of("out", "out[single-file]"),
                result.outcome().comparisons().stream().map(Comparison::output).toList());
    }
}
