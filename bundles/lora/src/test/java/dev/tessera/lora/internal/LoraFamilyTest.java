package dev.tessera.lora.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.runner.CaseResult;
import dev.tessera.conformance.runner.ConformanceReport;
import dev.tessera.conformance.runner.ConformanceRunner;
import dev.tessera.conformance.runner.Families;
import dev.tessera.lora.Pack;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** lora/cases through the shared runner, as {@code tessera conformance --only lora} runs it. */
class LoraFamilyTest {

    @Test
    void everyLoraOutputPassesOnBothLayouts() {
        List<ConformanceFamily> families = new ArrayList<>(Families.builtin());
        families.add(new LoraFamily());
        List<String> lines = new ArrayList<>();
        ConformanceReport report;
        try (NDManager manager = NDManager.newBaseManager()) {
            report = new ConformanceRunner(families).run(Pack.root(), Set.of("lora"), manager, DataType.FLOAT32,
                    lines::add);
        }
        lines.forEach(System.out::println);
        List<CaseResult> results = report.results();
        assertEquals(1, results.size(), String.join("\n", lines));
        CaseResult result = results.get(0);
        assertEquals("lora/cases.safetensors", result.packCase().id());
        assertEquals(CaseResult.Status.PASS, result.status(), result.line());
        List<String> outputs = result.outcome().comparisons().stream().map(Comparison::output).toList();
        List<String> expected = new ArrayList<>();
        for (String suffix : List.of("", "[single-file]")) {
            for (String name : List.of("te_last_hidden_state_kohya_strength_1.0", "unet_out_kohya_strength_0.5",
                    "unet_out_kohya_strength_1.0", "unet_out_peft_strength_1.0")) {
                expected.add(name + suffix);
            }
        }
        assertEquals(expected, outputs);
    }
}
