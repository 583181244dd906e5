package dev.tessera.models.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.runner.CaseResult;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.runner.ConformanceReport;
import dev.tessera.conformance.runner.ConformanceRunner;
import dev.tessera.conformance.runner.Families;
import dev.tessera.models.llm.internal.LlmFamily;
import dev.tessera.testing.ConformancePack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every llm case of the project's conformance pack through the shared runner: logits at 1e-4, greedy exact. */
class LlmConformanceTest {

    @Test
    void everyLlmCasePassesThroughTheRunner() {
        List<ConformanceFamily> families = new ArrayList<>(Families.builtin());
        families.add(new LlmFamily());
        List<String> lines = new ArrayList<>();
        ConformanceReport report;
        try (NDManager manager = NDManager.newBaseManager()) {
            report = new ConformanceRunner(families).run(ConformancePack.dir(), Set.of("llm"), manager,
                    DataType.FLOAT32, lines::add);
        }
        lines.forEach(System.out::println);
        List<CaseResult> results = report.results();
        assertEquals(2, results.size(), String.join("\n", lines));
        for (CaseResult result : results) {
            assertEquals(CaseResult.Status.PASS, result.status(), result.line());
            assertEquals(List.of("logits", "generated", "generated_nocache", "generated_2", "generated_2_nocache"),
                    result.outcome().comparisons().stream().map(c -> c.output()).toList());
        }
    }

    @Test
    void llmFamilyIsAConformanceFamilyComponent() throws Exception {
        Path classes = Path.of(LlmFamily.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path xml = classes.resolve("OSGI-INF/" + LlmFamily.class.getName() + ".xml");
        assertTrue(Files.isRegularFile(xml), "descriptor " + xml);
        assertTrue(Files.readString(xml).contains("<provide interface=\"" + ConformanceFamily.class.getName()
                + "\"/>"));
    }
}
