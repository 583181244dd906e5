package dev.tessera.image.internal;

import dev.tessera.graph.api.ImageRef;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.PngEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes every image of a batch as a numbered PNG, for SaveImage and PreviewImage. */
public final class ImageSaver {

    private ImageSaver() {}

    /**
     * @param type the ImageRef type: "output" or "temp"
     * @return one reference per image, in batch order
     */
    public static List<ImageRef> save(ImageBatch images, SaveTarget target, Map<String, String> text,
                                      int compressionLevel, String type) throws IOException {
        List<ImageRef> refs = new ArrayList<>();
        int number = target.counter();
        for (int n = 0; n < images.batchSize(); n++) {
            byte[] png = PngEncoder.encode(images.width(), images.height(), images.toRgb8(n), text, compressionLevel);
            String name;
            while (true) {
                name = target.fileName(n, number++);
                // A name that is taken (also by a concurrent save with the same prefix) moves on to the next number.
                if (writeNew(target.folder().resolve(name), png)) break;
            }
            refs.add(new ImageRef(name, target.subfolder(), type));
        }
        return refs;
    }

    /** Writes a file's content; may fail part-way. */
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static boolean writeNew(Path file, byte[] bytes) throws IOException {
        return writeNew(file, out -> out.write(bytes));
    }

    /**
     * Writes {@code file} only if no file has that name, and only whole: the content goes to a temporary name in
     * the same folder, which is then hard-linked to the name (atomic, and failing if the name exists, so a
     * concurrent save is never overwritten). An interrupted or failed write leaves no file under the name (at
     * worst a hidden {@code .tessera-*.part}). Where hard links are not supported, an atomic rename after a check.
     *
     * @return false when the name is taken
     */
    static boolean writeNew(Path file, Content content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".tessera-", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                content.writeTo(out);
            }
            try {
                Files.createLink(file, tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | FileSystemException e) {
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return false;
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                return true;
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
