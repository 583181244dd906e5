package dev.tessera.lora;

import java.util.List;

/**
 * The keys of a LoRA file that patch nothing: module keys no component table knows and tensors that are no part of a
 * factor pair. Reported (count and first few), never silently dropped.
 *
 * @param count how many there are
 * @param first the first few, in file order
 */
public record UnmatchedKeys(int count, List<String> first) {

    /** How many keys {@link #first} keeps. */
    public static final int SHOWN = 5;

    public UnmatchedKeys {
        first = List.copyOf(first);
    }

    static UnmatchedKeys of(List<String> keys) {
        return new UnmatchedKeys(keys.size(), keys.subList(0, Math.min(SHOWN, keys.size())));
    }

    public boolean isEmpty() {
        return count == 0;
    }

    @Override
    public String toString() {
        if (count == 0) {
            return "no unmatched keys";
        }
        return count + (count == 1 ? " key matches" : " keys match") + " nothing (first: " + String.join(", ", first)
                + (count > first.size() ? ", …" : "") + ")";
    }
}
