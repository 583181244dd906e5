package dev.tessera.miglora.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.PackContext;
import dev.tessera.conformance.runner.CaseResult;
import dev.tessera.conformance.runner.ConformanceReport;
import dev.tessera.conformance.runner.ConformanceRunner;
import dev.tessera.conformance.runner.Families;
import dev.tessera.testing.ConformancePack;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pack's miglora cases through the shared runner at the pack's tolerance. */
class MigloraConformanceTest {

    @Test
    void theReleasedForwardPassesAt1e4() {
        List<ConformanceFamily> families = new ArrayList<>(Families.builtin());
        families.add(new MigloraFamily());
        List<String> lines = new ArrayList<>();
        ConformanceReport report;
        try (NDManager manager = NDManager.newBaseManager()) {
            report = new ConformanceRunner(families).run(ConformancePack.dir(), Set.of("miglora"), manager, DataType.FLOAT32,
                    lines::add);
        }
        lines.forEach(System.out::println);
        assertEquals(1, report.results().size(), String.join("\n", lines));
        CaseResult result = report.results().get(0);
        assertEquals("miglora/cases/released_forward.safetensors", result.packCase().id());
        assertEquals(CaseResult.Status.PASS, result.status(), result.line());
        assertEquals(List.of("box_masks", "mask_embedding", "mid_block_output_mean", "out"),
                result.outcome().comparisons().stream().map(c -> c.output()).toList());
        assertTrue(result.outcome().comparisons().stream().allMatch(c -> c.error() <= 1e-4), result.line());
    }

    /** The same forward in float16 (what a GPU runs): only the dtype parameter changes. */
    @Test
    void float16IsAParameterAndStaysClose() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            CaseOutcome outcome = new MigloraFamily().run(new PackContext(ConformancePack.dir(), manager, DataType.FLOAT16),
                    ConformancePack.dir().resolve("miglora/cases/released_forward.safetensors"));
            for (Comparison c : outcome.comparisons()) {
                // float16 keeps 11 significant bits; errors accumulate over the network.
                assertTrue(c.error() < 1e-2, c.describe());
            }
            assertEquals(0.0, outcome.comparisons().get(0).error(), "box masks do not depend on the dtype");
        }
    }
}
