package dev.tessera.models.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.PackContext;
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

    /**
     * Both pack models in float16 on the CPU, the dtype as a parameter of the family's run: the logits within
     * {@link #FLOAT16_LOGITS} (relative L2) of the float32 reference. Greedy continuations are not compared: a
     * float16 rounding may swap two near-equal top logits, which is not an error of the code.
     */
    @Test
    void float16LogitsStayCloseToTheFloat32Reference() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String model : List.of("llama", "qwen2")) {
                CaseOutcome outcome = new LlmFamily().run(new PackContext(ConformancePack.dir(), manager,
                        DataType.FLOAT16), ConformancePack.dir().resolve("llm/cases/" + model + ".safetensors"));
                Comparison logits = outcome.comparisons().get(0);
                assertEquals("logits", logits.output());
                System.out.println(model + " float16: " + logits.describe());
                assertTrue(logits.error() < FLOAT16_LOGITS, model + " float16: " + logits.describe());
            }
        }
    }

    /** float16 keeps 11 significant bits (about 5e-4 per rounding); the error accumulates over the layers. */
    static final double FLOAT16_LOGITS = 1e-2;

    @Test
    void llmFamilyIsAConformanceFamilyComponent() throws Exception {
        Path classes = Path.of(LlmFamily.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path xml = classes.resolve("OSGI-INF/" + LlmFamily.class.getName() + ".xml");
        assertTrue(Files.isRegularFile(xml), "descriptor " + xml);
        assertTrue(Files.readString(xml).contains("<provide interface=\"" + ConformanceFamily.class.getName()
                + "\"/>"));
    }
}
