package dev.tessera.models.t5;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.runner.CaseResult;
import dev.tessera.conformance.runner.ConformanceReport;
import dev.tessera.conformance.runner.ConformanceRunner;
import dev.tessera.conformance.runner.Families;
import dev.tessera.models.t5.internal.T5Family;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every t5 case of the project's conformance pack, through the shared runner, at the pack's tolerance. */
class T5EncoderConformanceTest {

    @Test
    void everyT5CasePassesThroughTheRunner() {
        List<ConformanceFamily> families = new ArrayList<>(Families.builtin());
        families.add(new T5Family());
        List<String> lines = new ArrayList<>();
        ConformanceReport report;
        try (NDManager manager = NDManager.newBaseManager()) {
            report = new ConformanceRunner(families).run(Pack.root(), Set.of("t5"), manager, DataType.FLOAT32,
                    lines::add);
        }
        lines.forEach(System.out::println);
        List<CaseResult> results = report.results();
        assertEquals(1, results.size(), String.join("\n", lines));
        CaseResult result = results.get(0);
        assertEquals(CaseResult.Status.PASS, result.status(), result.line());
        assertEquals(List.of("last_hidden_state", "last_hidden_state_nomask"),
                result.outcome().comparisons().stream().map(c -> c.output()).toList());
    }
}
