package dev.tessera.image.internal;

import dev.tessera.graph.api.ImageRef;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.PngEncoder;
import dev.tessera.image.SaveTarget;
import java.io.IOException;
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
            SaveTarget.Saved saved = target.writeNext(n, number, ".png", out -> out.write(png));
            number = saved.nextNumber();
            refs.add(new ImageRef(saved.name(), target.subfolder(), type));
        }
        return refs;
    }
}
