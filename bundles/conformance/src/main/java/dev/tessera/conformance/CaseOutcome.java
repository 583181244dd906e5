package dev.tessera.conformance;

import java.util.List;

/**
 * What running one case found: every output compared and the tolerance it was held to, plus notes on how the
 * case was read (e.g. an assumption the comparisons confirm).
 *
 * @param comparisons the compared outputs, at least one: a case that compares nothing cannot pass
 * @param notes remarks shown after the comparisons
 */
public record CaseOutcome(List<Comparison> comparisons, List<String> notes) {

    public CaseOutcome {
        comparisons = List.copyOf(comparisons);
        notes = List.copyOf(notes);
        if (comparisons.isEmpty()) {
            throw new IllegalArgumentException("a case outcome must compare at least one output");
        }
    }

    public static CaseOutcome of(List<Comparison> comparisons) {
        return new CaseOutcome(comparisons, List.of());
    }

    /** Whether every output is within its tolerance. */
    public boolean passed() {
        return comparisons.stream().allMatch(Comparison::passed);
    }

    /** This outcome with one more note. */
    public CaseOutcome withNote(String note) {
        List<String> more = new java.util.ArrayList<>(notes);
        more.add(note);
        return new CaseOutcome(comparisons, more);
    }
}
