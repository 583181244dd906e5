package dev.tessera.conformance.runner;

import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The verdict on one case.
 *
 * @param packCase the case
 * @param status its verdict
 * @param outcome the comparisons, when the case ran to the end (else null)
 * @param reason why it failed without comparisons, or why it was skipped (else null)
 */
public record CaseResult(PackCase packCase, Status status, CaseOutcome outcome, String reason) {

    /** A case's verdict. */
    public enum Status { PASS, FAIL, SKIP }

    public CaseResult {
        Objects.requireNonNull(packCase, "packCase");
        Objects.requireNonNull(status, "status");
        if (outcome == null && reason == null) {
            throw new IllegalArgumentException("a case result needs an outcome or a reason");
        }
    }

    static CaseResult compared(PackCase packCase, CaseOutcome outcome) {
        return new CaseResult(packCase, outcome.passed() ? Status.PASS : Status.FAIL, outcome, null);
    }

    static CaseResult failed(PackCase packCase, String reason) {
        return new CaseResult(packCase, Status.FAIL, null, reason);
    }

    static CaseResult skipped(PackCase packCase, String reason) {
        return new CaseResult(packCase, Status.SKIP, null, reason);
    }

    /**
     * The report line: {@code PASS|FAIL <id> <output>=<error> (<=<tolerance>) ...}, {@code FAIL <id>: <reason>}
     * or {@code SKIP <id> (<reason>)}.
     */
    public String line() {
        String head = status + " " + packCase.id();
        if (status == Status.SKIP) {
            return head + " (" + reason + ")";
        }
        if (outcome == null) {
            return head + ": " + reason;
        }
        String compared = outcome.comparisons().stream().map(Comparison::describe).collect(Collectors.joining(" "));
        String notes = outcome.notes().isEmpty() ? "" : " [" + String.join("; ", outcome.notes()) + "]";
        return head + " " + compared + notes;
    }
}
