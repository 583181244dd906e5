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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every sd15 case of the project's conformance pack, through the shared runner, at the pack's tolerances. */
class Sd15ConformanceTest {

    static Path pack() {
        String dir = System.getProperty("tessera.conformance.dir");
        assertTrue(dir != null && Files.isDirectory(Path.of(dir)), "tessera.conformance.dir must name the pack: " + dir);
        return Path.of(dir);
    }

    @Test
    void everySd15CasePassesOnBothLayouts() {
        List<ConformanceFamily> families = new ArrayList<>(Families.builtin());
        families.add(new Sd15Family());
        List<String> lines = new ArrayList<>();
        ConformanceReport report;
        try (NDManager manager = NDManager.newBaseManager()) {
            report = new ConformanceRunner(families).run(pack(), Set.of("sd15"), manager, DataType.FLOAT32,
                    lines::add);
        }
        lines.forEach(System.out::println);
        List<CaseResult> results = report.results();
        assertEquals(6, results.size(), String.join("\n", lines));
        for (CaseResult result : results) {
            assertEquals(CaseResult.Status.PASS, result.status(), result.line());
            assertTrue(result.outcome().comparisons().stream().anyMatch(c -> c.output().endsWith("[single-file]")),
                    "both layouts ran: " + result.line());
        }
        List<String> pipelines = results.stream().map(r -> r.packCase().id())
                .filter(id -> id.contains("pipeline_")).toList();
        assertEquals(List.of("sd15/cases/pipeline_ddim.safetensors", "sd15/cases/pipeline_dpmpp_2m_karras.safetensors",
                "sd15/cases/pipeline_euler.safetensors"), pipelines);
    }
}
