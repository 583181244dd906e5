package dev.tessera.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image files with the JDK's ImageIO readers (PNG, JPEG, BMP, GIF; WebP only when a WebP ImageIO plugin
 * is installed) into {@link DecodedImage}s turned upright by their EXIF orientation, as ComfyUI's LoadImage does.
 * Multi-frame files give their first frame.
 */
public final class ImageDecoder {

    private ImageDecoder() {}

    /** @throws IOException naming the file when it cannot be read or is no image ImageIO knows */
    public static DecodedImage read(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file.getFileName().toString());
    }

    /** @param source named in error messages */
    public static DecodedImage decode(byte[] bytes, String source) throws IOException {
        BufferedImage image = firstFrame(bytes, source);
        return ExifOrientation.apply(DecodedImage.of(image), ExifOrientation.of(bytes));
    }

    private static BufferedImage firstFrame(byte[] bytes, String source) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(source + ": not an image format this host can read (PNG, JPEG, BMP, GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return reader.read(0);
            } catch (IOException | RuntimeException e) {
                throw new IOException(source + ": cannot decode " + reader.getFormatName() + " image: " + e.getMessage(), e);
            } finally {
                reader.dispose();
            }
        }
    }
}
