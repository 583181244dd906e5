package dev.tessera.graph.api;

import java.nio.file.Path;
import java.util.AbstractList;
import java.util.List;

/**
 * The names {@link Folders#listModelFiles} offers, together with how many entries it left out because they lead
 * outside their folder (links), so that a message about an empty list or a name not in it can say why.
 */
public final class ModelFileList extends AbstractList<String> {

    private final List<String> names;
    private final int skipped;
    private final String example;
    private final Path outsideOf;

    /**
     * @param skipped   how many files or folders were left out because they lead outside {@code outsideOf}
     * @param example   one of them, as a name relative to the listed folder (or the folder's own name)
     * @param outsideOf the folder they lead out of
     */
    public ModelFileList(List<String> names, int skipped, String example, Path outsideOf) {
        this.names = List.copyOf(names);
        this.skipped = skipped;
        this.example = example;
        this.outsideOf = outsideOf;
    }

    /** Other names (filtered or mapped from these) with the same skipped entries. */
    public ModelFileList withNames(List<String> other) {
        return new ModelFileList(other, skipped, example, outsideOf);
    }

    /** {@code names}, filtered, mapped or extended from {@code listing}, with its skipped entries if it has any. */
    public static List<String> keepingSkipped(List<String> listing, List<String> names) {
        return listing instanceof ModelFileList l ? l.withNames(names) : names;
    }

    public int skipped() {
        return skipped;
    }

    /** One line saying what was left out and why, naming one; empty when nothing was. */
    public String skippedNote() {
        if (skipped == 0) return "";
        return skipped == 1
                ? "1 entry was skipped because it leads outside " + outsideOf + ": '" + example + "'"
                : skipped + " entries were skipped because they lead outside " + outsideOf + ", e.g. '" + example + "'";
    }

    /** The note of {@code names} if it is a listing with skipped entries, else empty. */
    public static String skippedNote(List<String> names) {
        return names instanceof ModelFileList l ? l.skippedNote() : "";
    }

    @Override
    public String get(int index) {
        return names.get(index);
    }

    @Override
    public int size() {
        return names.size();
    }
}
