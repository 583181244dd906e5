package dev.tessera.embed;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A file a node wrote for the user (SaveImage's PNG in the output folder, PreviewImage's in the temp folder).
 *
 * @param nodeId the node that wrote it
 * @param key    the node's output key ({@code images})
 * @param folder ComfyUI's folder type: {@code output}, {@code temp} or {@code input}
 * @param path   where it is
 */
public record OutputFile(String nodeId, String key, String folder, Path path) {

    /** The file's bytes (a PNG for image outputs). Temp files may be gone once another run has started. */
    public byte[] bytes() throws IOException {
        return Files.readAllBytes(path);
    }

    /** The file decoded as an image. */
    public BufferedImage image() throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes()));
        if (image == null) throw new IOException(path + " is not an image ImageIO can read");
        return image;
    }
}
