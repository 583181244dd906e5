package dev.tessera.image.internal.nodes;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.ImageDecoder;
import dev.tessera.image.InputImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code image} input of the nodes that load a file from the input folder (LoadImage, LoadImageMask): its
 * widget, its check, its cache key (the file's content) and the decoding, with errors on that input.
 */
final class InputImageFile {

    static final String IMAGE = "image";

    private final Folders folders;

    InputImageFile(Folders folders) {
        this.folders = folders;
    }

    /**
     * ComfyUI's "image_upload" combo: editors show an upload button; names outside the list ("x.png [output]",
     * subfolders) are checked by {@link #validate}, not rejected by the host.
     */
    InputSpec spec() {
        return InputSpec.imageUpload(IMAGE, () -> InputImages.list(folders.input()))
                .withTooltip("An image file in the input folder.");
    }

    /** LoadImageOutput's combo: the output folder's images as {@code "name [output]"}, newest first. */
    InputSpec outputSpec() {
        return InputSpec.imageUpload(IMAGE, () -> InputImages.listOutput(folders.output()))
                .withTooltip("An image file in the output folder, newest first.");
    }

    List<InputProblem> validate(NodeInputs widgetValues) {
        if (!widgetValues.has(IMAGE)) return List.of();
        try {
            InputImages.resolve(roots(), widgetValues.getString(IMAGE));
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(InputProblem.of(IMAGE, e.getMessage()));
        }
    }

    /** The file's content hash, so that a replaced file is loaded again. */
    Object changeKey(NodeInputs widgetValues) {
        if (!widgetValues.has(IMAGE)) return null;
        String name = widgetValues.getString(IMAGE);
        try {
            return InputImages.contentHash(InputImages.resolve(roots(), name));
        } catch (IllegalArgumentException | IOException e) {
            // validate() and decode() report the problem; the key only has to differ from a readable file's.
            return "unreadable:" + name;
        }
    }

    DecodedImage decode(NodeInputs inputs) {
        String name = inputs.getString(IMAGE);
        Path file;
        try {
            file = InputImages.resolve(roots(), name);
        } catch (IllegalArgumentException e) {
            throw NodeException.invalidInput(IMAGE, e.getMessage());
        }
        try {
            return ImageDecoder.read(file);
        } catch (IOException e) {
            throw new NodeException("invalid_input", IMAGE, "cannot load image file '" + name + "': " + e.getMessage(), e);
        }
    }

    private InputImages.Roots roots() {
        return new InputImages.Roots(folders.input(), folders.output(), folders.temp());
    }
}
