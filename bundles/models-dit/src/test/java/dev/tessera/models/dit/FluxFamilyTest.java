package dev.tessera.models.dit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.runner.CaseResult;
import dev.tessera.conformance.runner.ConformanceReport;
import dev.tessera.conformance.runner.ConformanceRunner;
import dev.tessera.conformance.runner.Families;
import dev.tessera.models.dit.internal.FluxFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every flux case of the project's conformance pack, through the shared runner, at the pack's tolerance. */
class FluxFamilyTest {

    @Test
    void everyFluxCasePassesThroughTheRunnerOnBothLayouts() {
        List<ConformanceFamily> families = new ArrayList<>(Families.builtin());
        families.add(new FluxFamily());
        List<String> lines = new ArrayList<>();
        ConformanceReport report;
        try (NDManager manager = NDManager.newBaseManager()) {
            report = new ConformanceRunner(families).run(Pack.root(), Set.of("flux"), manager, DataType.FLOAT32,
                    lines::add);
        }
        lines.forEach(System.out::println);
        List<CaseResult> results = report.results();
        assertEquals(2, results.size(), String.join("\n", lines));
        for (CaseResult result : results) {
            assertEquals(CaseResult.Status.PASS, result.status(), result.line());
        }
        List<String> kontext = results.stream().filter(r -> r.packCase().id().contains("kontext_masks"))
                .flatMap(r -> r.outcome().comparisons().stream()).map(Comparison::output).toList();
        for (String output : List.of("out", "out_mask_a_all_blocks", "out_mask_per_block",
                "out_mask_per_block[skip]", "out[single-file]", "out_mask_per_block[single-file]",
                "out_mask_per_block[single-file][skip]")) {
            assertTrue(kontext.contains(output), output + " not compared: " + kontext);
        }
    }
}
