package dev.tessera.conformance.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner on the project's pack, and on small packs built here from its files with other numbers. */
class ConformanceRunnerTest {

    private static final Pattern SUMMARY = Pattern.compile("(\\d+) passed, (\\d+) failed, (\\d+) skipped");
    private static final Pattern RELATIVE = Pattern.compile("(\\w+)=(\\S+) \\((<=|> )(\\S+)\\)");

    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static Path pack() {
        return TestPacks.pack();
    }

    private static ConformanceReport run(Path root, Set<String> only, List<String> lines) {
        return new ConformanceRunner(Families.builtin()).run(root, only, manager, DataType.FLOAT32, lines::add);
    }

    /** The project pack's top-level folders that hold cases. */
    static final Set<String> PACK_FAMILIES = Set.of("contextgen", "flux", "llm", "lora", "miglora", "schedulers", "sd15",
            "sd3", "sdxl", "t5", "tokenizers");

    static Set<String> implemented() {
        return Families.builtin().stream().map(ConformanceFamily::name).collect(Collectors.toSet());
    }

    @Test
    void implementedFamiliesPassAndTheOthersAreSkipped() throws IOException {
        List<String> lines = new ArrayList<>();
        ConformanceReport report = run(pack(), Set.of(), lines);
        lines.forEach(System.out::println);

        assertTrue(implemented().contains("schedulers"));
        assertEquals(PACK_FAMILIES, Set.copyOf(report.results().stream().map(r -> r.packCase().family()).toList()));
        long expectPassed = 0;
        for (CaseResult r : report.results()) {
            if (implemented().contains(r.packCase().family())) {
                assertEquals(CaseResult.Status.PASS, r.status(), r.line());
                expectPassed++;
            } else {
                assertEquals(CaseResult.Status.SKIP, r.status(), r.line());
                assertEquals("SKIP " + r.packCase().id() + " (family not implemented)", r.line());
            }
        }

        // Counted here from the README's rule, independently of PackLayout.
        List<String> schedulerFiles = filesUnder(pack().resolve("schedulers"));
        assertEquals(9, schedulerFiles.size(), "the project's pack has 9 scheduler cases");
        List<CaseResult> schedulers = report.family("schedulers");
        assertEquals(schedulerFiles, ids(schedulers));
        for (CaseResult r : schedulers) {
            List<String> outputs = r.outcome().comparisons().stream().map(Comparison::output).toList();
            assertTrue(outputs.containsAll(List.of("timesteps", "trajectory")), r.line());
        }
        assertEquals(filesUnder(pack().resolve("sd15/cases")), ids(report.family("sd15")));
        assertEquals(6, report.family("sd15").size());
        // lora keeps its cases in one file; a case need not be safetensors.
        assertEquals(List.of("lora/cases.safetensors"), ids(report.family("lora")));
        assertEquals(List.of("tokenizers/cases/encodings.json"), ids(report.family("tokenizers")));
        assertEquals(28, report.results().size(), "no models, configs or root files counted as cases");

        assertEquals(report.results().size() + 1, lines.size(), "one line per case, then the summary");
        String last = lines.get(lines.size() - 1);
        assertEquals(expectPassed + " passed, 0 failed, " + (28 - expectPassed) + " skipped", last);
        assertTrue(SUMMARY.matcher(last).matches());
        assertTrue(report.succeeded());
        for (String line : lines.subList(0, lines.size() - 1)) {
            assertTrue(line.matches("(PASS|FAIL|SKIP) [a-z0-9]+/\\S+( .*)?"), line);
        }
    }

    @Test
    void passLinesShowEachOutputsErrorAndTolerance() {
        List<String> lines = new ArrayList<>();
        run(pack(), Set.of("schedulers"), lines);
        String ddim = lines.stream().filter(l -> l.startsWith("PASS schedulers/ddim_leading_20.safetensors "))
                .findFirst().orElseThrow();
        Map<String, double[]> values = relativeErrors(ddim);
        assertEquals(Set.of("timesteps", "trajectory"), values.keySet(), ddim + " (DDIM cases store no sigmas)");
        assertEquals(1e-4, values.get("timesteps")[1]);
        assertEquals(1e-3, values.get("trajectory")[1]);
        assertTrue(values.get("trajectory")[0] < 1e-5, ddim);
        String ancestral = lines.stream().filter(l -> l.contains("euler_ancestral")).findFirst().orElseThrow();
        assertTrue(ancestral.startsWith("PASS ") && ancestral.contains("sigmas=")
                && ancestral.contains("assumed from the file name"), ancestral);
    }

    /**
     * A second pack with the same layout and other numbers: an unperturbed copy of a scheduler case passes and a
     * copy whose reference trajectory is 1% larger fails by the error that scaling gives by hand.
     */
    @Test
    void aPerturbedReferenceFailsAndAnUnperturbedCopyPasses(@TempDir Path tmp) throws IOException {
        Path source = pack().resolve("schedulers/dpmpp_2m_karras_20.safetensors");
        Files.createDirectories(tmp.resolve("schedulers/more"));
        Files.copy(source, tmp.resolve("schedulers/more/copy.safetensors"));
        TestPacks.rewrite(manager, source, tmp.resolve("schedulers/perturbed.safetensors"), "trajectory", 1.01f);
        Files.createDirectories(tmp.resolve("flux/cases"));
        Files.copy(pack().resolve("flux/cases/transformer.safetensors"), tmp.resolve("flux/cases/transformer.safetensors"));

        List<String> lines = new ArrayList<>();
        ConformanceReport report = run(tmp, Set.of(), lines);
        lines.forEach(System.out::println);
        assertEquals(List.of("flux/cases/transformer.safetensors", "schedulers/more/copy.safetensors",
                "schedulers/perturbed.safetensors"), ids(report.results()));
        assertEquals(CaseResult.Status.SKIP, report.results().get(0).status());
        assertEquals(CaseResult.Status.PASS, report.results().get(1).status(), lines.get(1));
        CaseResult perturbed = report.results().get(2);
        assertEquals(CaseResult.Status.FAIL, perturbed.status(), lines.get(2));
        // Ours ~= ref, theirs = 1.01 ref: ||ref - 1.01 ref|| / ||1.01 ref|| = 0.01 / 1.01 at every step.
        Map<String, double[]> values = relativeErrors(lines.get(2));
        assertEquals(0.01 / 1.01, values.get("trajectory")[0], 1e-5);
        assertTrue(lines.get(2).contains("trajectory=9.90e-03 (> 1e-03)"), lines.get(2));
        assertTrue(values.get("timesteps")[0] < 1e-6, "the schedule itself is untouched");
        assertEquals("1 passed, 1 failed, 1 skipped", lines.get(3));
        assertFalse(report.succeeded());
    }

    @Test
    void aPerturbedScheduleFailsOnTimesteps(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("schedulers"));
        TestPacks.rewrite(manager, pack().resolve("schedulers/euler_leading_20.safetensors"), tmp.resolve("schedulers/e.safetensors"),
                "timesteps", 1.001f);
        List<String> lines = new ArrayList<>();
        run(tmp, Set.of(), lines);
        Map<String, double[]> values = relativeErrors(lines.get(0));
        assertEquals(0.001 / 1.001, values.get("timesteps")[0], 1e-6, lines.get(0));
        assertTrue(lines.get(0).startsWith("FAIL "), lines.get(0));
    }

    @Test
    void unreadableCasesFailWithTheirReasonAndTheRunGoesOn(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("schedulers"));
        Path source = pack().resolve("schedulers/euler_leading_20.safetensors");
        Files.copy(source, dir.resolve("a_good.safetensors"));
        Files.write(dir.resolve("b_truncated.safetensors"), new byte[] {1, 2, 3});
        TestPacks.withMetadata(manager, source, dir.resolve("c_unknown_model.safetensors"), "model", "eps(x,t) = x^3");
        TestPacks.withMetadata(manager, source, dir.resolve("d_bad_config.safetensors"), "config", "{\"class\": \"PNDMScheduler\"}");
        Map<String, String> noConfig = TestPacks.metadataOf(source);
        noConfig.remove("config");
        TestPacks.copyWith(manager, source, dir.resolve("e_no_config.safetensors"), noConfig, Map.of());
        TestPacks.withMetadata(manager, source, dir.resolve("f_wrong_steps.safetensors"), "steps", "25");
        TestPacks.copyWith(manager, source, dir.resolve("g_no_trajectory.safetensors"), TestPacks.metadataOf(source), Map.of("trajectory", 0f));
        Files.writeString(dir.resolve("h_notes.txt"), "not a case this family reads");
        Files.writeString(dir.resolve(".hidden"), "ignored");

        List<String> lines = new ArrayList<>();
        ConformanceReport report = run(tmp, Set.of(), lines);
        lines.forEach(System.out::println);
        assertEquals(9, lines.size(), "8 cases and the summary");
        assertTrue(lines.get(0).startsWith("PASS schedulers/a_good.safetensors "), lines.get(0));
        assertTrue(lines.get(1).startsWith("FAIL schedulers/b_truncated.safetensors: ")
                && lines.get(1).contains("b_truncated.safetensors") && lines.get(1).contains("truncated"), lines.get(1));
        assertTrue(lines.get(2).contains("unknown analytic model 'eps(x,t) = x^3'"), lines.get(2));
        assertTrue(lines.get(3).contains("metadata 'config': scheduler config: class 'PNDMScheduler'"), lines.get(3));
        assertTrue(lines.get(4).contains("no scheduler config in the metadata"), lines.get(4));
        assertTrue(lines.get(5).contains("metadata 'steps' = 25 but tensor 'trajectory' has 20 steps"), lines.get(5));
        assertTrue(lines.get(6).contains("trajectory") && lines.get(6).contains("no such tensor"), lines.get(6));
        assertEquals("FAIL schedulers/h_notes.txt: no implementation of family 'schedulers' handles this file"
                + " (implementations: SchedulersFamily)", lines.get(7));
        for (CaseResult r : report.results().subList(1, 8)) {
            assertEquals(CaseResult.Status.FAIL, r.status());
            assertNull(r.outcome());
        }
        assertEquals("1 passed, 7 failed, 0 skipped", lines.get(8));
    }

    @Test
    void everyCaseFreesItsTensors() {
        try (NDManager parent = manager.newSubManager()) {
            for (int run = 0; run < 2; run++) {
                new ConformanceRunner(Families.builtin()).run(pack(), Set.of("schedulers"), parent, DataType.FLOAT32,
                        line -> { });
                assertEquals(0, parent.getManagedArrays().size(), "run " + run + " left tensors behind");
            }
        }
    }

    @Test
    void onlyRunsTheNamedFamilies() {
        List<String> lines = new ArrayList<>();
        ConformanceReport report = run(pack(), Set.of("schedulers", "t5"), lines);
        assertEquals(Set.of("schedulers", "t5"), Set.copyOf(report.results().stream().map(r -> r.packCase().family())
                .toList()));
        assertEquals(10, report.results().size());
    }

    @Test
    void aRunOfSkippedFamiliesOnlyIsNoSuccess() {
        Set<String> unimplemented = new TreeSet<>(PACK_FAMILIES);
        unimplemented.removeAll(implemented());
        assertFalse(unimplemented.isEmpty(), "every family implemented: this test has nothing left to check");
        List<String> lines = new ArrayList<>();
        ConformanceReport report = run(pack(), unimplemented, lines);
        assertEquals("0 passed, 0 failed, " + report.results().size() + " skipped", lines.get(lines.size() - 1));
        assertFalse(report.succeeded(), "skipping everything verifies nothing");
    }

    @Test
    void missingEmptyOrUnknownIsAClearError(@TempDir Path tmp) throws IOException {
        Path missing = tmp.resolve("nope");
        assertEquals("conformance pack " + missing + " does not exist",
                assertThrows(IllegalArgumentException.class, () -> run(missing, Set.of(), new ArrayList<>()))
                        .getMessage());
        Files.createDirectories(tmp.resolve("sd15/diffusers/unet"));
        Files.writeString(tmp.resolve("sd15/diffusers/unet/config.json"), "{}");
        Files.writeString(tmp.resolve("README.md"), "a pack without cases");
        String empty = assertThrows(IllegalArgumentException.class, () -> run(tmp, Set.of(), new ArrayList<>()))
                .getMessage();
        assertTrue(empty.startsWith("conformance pack " + tmp + " holds no case"), empty);
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> run(pack(), Set.of("sd2"), new ArrayList<>())).getMessage();
        assertTrue(unknown.contains("no cases of family 'sd2'") && unknown.contains("schedulers"), unknown);
    }

    // ---- helpers ----

    private static List<String> ids(List<CaseResult> results) {
        return results.stream().map(r -> r.packCase().id()).toList();
    }

    private static List<String> filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(f -> pack().relativize(f).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    /** output name -> {error, tolerance} of the relative comparisons on a report line. */
    private static Map<String, double[]> relativeErrors(String line) {
        Map<String, double[]> values = new LinkedHashMap<>();
        Matcher m = RELATIVE.matcher(line);
        while (m.find()) {
            values.put(m.group(1), new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(4))});
        }
        assertNotEquals(0, values.size(), line);
        return values;
    }
}
