package dev.tessera.contextgen;

import java.util.ArrayList;
import java.util.List;

/**
 * The CONTEXTGEN_REFERENCES value: references in instance order (reference i belongs to instance i), as
 * ReferenceImage nodes chain them. Immutable.
 */
public record ReferenceSet(List<Reference> references) {

    public ReferenceSet {
        references = List.copyOf(references);
    }

    public static ReferenceSet empty() {
        return new ReferenceSet(List.of());
    }

    /** This set followed by {@code more}. */
    public ReferenceSet plus(List<Reference> more) {
        List<Reference> all = new ArrayList<>(references);
        all.addAll(more);
        return new ReferenceSet(all);
    }

    public int size() {
        return references.size();
    }

    public Reference get(int i) {
        return references.get(i);
    }
}
