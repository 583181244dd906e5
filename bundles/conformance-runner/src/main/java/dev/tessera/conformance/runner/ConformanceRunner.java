package dev.tessera.conformance.runner;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.PackContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs every case of a pack (see {@link PackLayout}) with the family implementations it is given: prints
 * {@code PASS|FAIL <family>/<case> <output>=<rel err> ...} for each case a family runs, {@code SKIP <family>/<case>
 * (family not implemented)} for the others, and closes with {@code N passed, N failed, N skipped}. A case that
 * cannot be read or interpreted fails with the reason, and the run goes on.
 */
public final class ConformanceRunner {

    static final String NOT_IMPLEMENTED = "family not implemented";

    private final Map<String, List<ConformanceFamily>> families = new LinkedHashMap<>();

    /** A runner over these implementations; several may share a family name (each handling some of its files). */
    public ConformanceRunner(Collection<? extends ConformanceFamily> implementations) {
        for (ConformanceFamily family : implementations) {
            families.computeIfAbsent(Objects.requireNonNull(family.name(), "family name"), k -> new ArrayList<>())
                    .add(family);
        }
    }

    /** The family names with an implementation. */
    public List<String> implementedFamilies() {
        return List.copyOf(new TreeSet<>(families.keySet()));
    }

    /**
     * Runs the cases of the pack at {@code root}.
     *
     * @param only the families to run; empty runs all
     * @param manager the parent of each case's manager (its device is the device cases run on)
     * @param dtype the dtype models compute in (float32 for the pack's tolerances)
     * @param lines receives each case's line as it finishes, then the summary line
     * @throws IllegalArgumentException when the pack is missing or empty, or {@code only} names a family the pack
     *     has no cases of
     */
    public ConformanceReport run(Path root, Collection<String> only, NDManager manager, DataType dtype,
            Consumer<String> lines) {
        List<PackCase> cases = PackLayout.discover(root);
        List<String> packFamilies = cases.stream().map(PackCase::family).distinct().toList();
        for (String family : only) {
            if (!packFamilies.contains(family)) {
                throw new IllegalArgumentException("the pack " + root + " has no cases of family '" + family
                        + "'; its families are " + String.join(", ", packFamilies));
            }
        }
        List<CaseResult> results = new ArrayList<>();
        for (PackCase packCase : cases) {
            if (!only.isEmpty() && !only.contains(packCase.family())) {
                continue;
            }
            CaseResult result = runCase(root, packCase, manager, dtype);
            results.add(result);
            lines.accept(result.line());
        }
        ConformanceReport report = new ConformanceReport(results);
        lines.accept(report.summary());
        return report;
    }

    private CaseResult runCase(Path root, PackCase packCase, NDManager parent, DataType dtype) {
        List<ConformanceFamily> implementations = families.get(packCase.family());
        if (implementations == null) {
            return CaseResult.skipped(packCase, NOT_IMPLEMENTED);
        }
        ConformanceFamily family = implementations.stream().filter(f -> f.handles(packCase.file())).findFirst()
                .orElse(null);
        if (family == null) {
            return CaseResult.failed(packCase, "no implementation of family '" + packCase.family()
                    + "' handles this file (implementations: " + implementations.stream()
                    .map(f -> f.getClass().getSimpleName()).collect(Collectors.joining(", ")) + ")");
        }
        try (NDManager caseManager = parent.newSubManager()) {
            CaseOutcome outcome = family.run(new PackContext(root, caseManager, dtype), packCase.file());
            if (outcome == null) {
                return CaseResult.failed(packCase, family.getClass().getSimpleName() + " returned no outcome");
            }
            return CaseResult.compared(packCase, outcome);
        } catch (Exception | AssertionError e) {
            return CaseResult.failed(packCase, reason(e));
        }
    }

    /** The exception's own message (ours name the tensor or key); its type when it has none. */
    private static String reason(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getName();
        }
        boolean plain = e instanceof IllegalArgumentException || e instanceof IllegalStateException;
        return plain || e.getClass().getName().startsWith("dev.tessera.") ? message
                : e.getClass().getSimpleName() + ": " + message;
    }
}
