package dev.tessera.image.internal;

import dev.tessera.graph.api.ImageRef;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.PngEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
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
                // CREATE_NEW: a concurrent save with the same prefix takes the next number instead of overwriting.
                if (writeNew(target.folder().resolve(name), png)) break;
            }
            refs.add(new ImageRef(name, target.subfolder(), type));
        }
        return refs;
    }

    private static boolean writeNew(Path file, byte[] bytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(bytes);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }
}
