package dev.tessera.layout;

import java.nio.file.Path;

/**
 * A {@link LayoutDataset} folder or one of its entries is not acceptable: a missing or unreadable file, layout JSON
 * that does not parse, an empty caption, a box outside its image, an image whose size is not the layout's. The
 * message starts with the dataset folder, then the entry and the file when the problem is theirs, then what was
 * expected; a reader's own exception (with its JSON path and instance) is the cause and its message is kept.
 */
public class InvalidDatasetException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidDatasetException(Path folder, String entry, Path file, String detail, Throwable cause) {
        super("dataset " + folder + (entry != null ? ", entry " + entry : "")
                + (file != null ? " (" + file.getFileName() + ")" : "") + ": " + detail, cause);
    }

    public InvalidDatasetException(Path folder, String detail) {
        this(folder, null, null, detail, null);
    }
}
