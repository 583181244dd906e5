package dev.tessera.image.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.internal.ImageSaver;
import dev.tessera.image.internal.PngMetadata;
import dev.tessera.image.SaveTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What SaveImage and PreviewImage share: resolve the target, embed the metadata, write, report the files. */
final class SavedImages {

    /** ComfyUI's deflate levels: SaveImage favours size, PreviewImage speed. */
    static final int SAVE_COMPRESSION = 4;
    static final int PREVIEW_COMPRESSION = 1;

    private SavedImages() {}

    /** @param prefixInput the input the prefix came from, named in errors (null when the node chose it) */
    static NodeResult write(NodeInputs inputs, ExecutionContext context, Path root, String prefix, String prefixInput,
                            String type, int compression) {
        ImageBatch images = inputs.get(SaveImageNode.IMAGES, ImageBatch.class);
        SaveTarget target;
        try {
            target = SaveTarget.resolve(root, prefix, images.width(), images.height());
        } catch (IllegalArgumentException e) {
            throw NodeException.invalidInput(prefixInput, e.getMessage());
        } catch (IOException e) {
            throw NodeException.failed("cannot create the folder for '" + prefix + "' under " + root + ": " + e.getMessage(), e);
        }
        Map<String, String> text;
        try {
            text = PngMetadata.of(context.workflowJson(), context.extraPngInfo());
        } catch (IllegalArgumentException e) {
            throw NodeException.failed(e.getMessage(), e);
        }
        try {
            List<ImageRef> refs = ImageSaver.save(images, target, text, compression, type);
            return NodeResult.of().withUi("images", refs);
        } catch (IOException e) {
            throw NodeException.failed("cannot write PNG files to " + target.folder() + ": " + e.getMessage(), e);
        }
    }
}
