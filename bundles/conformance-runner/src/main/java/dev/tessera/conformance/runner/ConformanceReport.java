package dev.tessera.conformance.runner;

import java.util.List;

/** The verdicts of one run, in the order the cases ran (sorted by case id). */
public record ConformanceReport(List<CaseResult> results) {

    public ConformanceReport {
        results = List.copyOf(results);
    }

    public long passed() {
        return count(CaseResult.Status.PASS);
    }

    public long failed() {
        return count(CaseResult.Status.FAIL);
    }

    public long skipped() {
        return count(CaseResult.Status.SKIP);
    }

    /** The closing line: {@code N passed, N failed, N skipped}. */
    public String summary() {
        return passed() + " passed, " + failed() + " failed, " + skipped() + " skipped";
    }

    /** No case failed and at least one passed: a run that verified nothing is not a success. */
    public boolean succeeded() {
        return failed() == 0 && passed() > 0;
    }

    /** The results of one family. */
    public List<CaseResult> family(String family) {
        return results.stream().filter(r -> r.packCase().family().equals(family)).toList();
    }

    private long count(CaseResult.Status status) {
        return results.stream().filter(r -> r.status() == status).count();
    }
}
