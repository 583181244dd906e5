package dev.tessera.image.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import java.util.concurrent.ThreadLocalRandom;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's PreviewImage: SaveImage into the temp folder under a random prefix, for the editor to show. */
@Component(service = NodeType.class)
public final class PreviewImageNode implements NodeType {

    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

    private final Folders folders;
    private final NodeDescriptor descriptor = NodeDescriptor.builder("PreviewImage")
            .displayName("Preview Image")
            .category("image")
            .description("Saves the input images to the temp folder for the editor to show.")
            .input(InputSpec.link(SaveImageNode.IMAGES, ValueType.IMAGE))
            .outputNode(true)
            .build();

    @Activate
    public PreviewImageNode(@Reference Folders folders) {
        this.folders = folders;
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return SavedImages.write(inputs, context, folders.temp(), "Tessera_temp_" + randomLetters(5), null, "temp",
                SavedImages.PREVIEW_COMPRESSION);
    }

    private static String randomLetters(int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) s.append(LETTERS.charAt(ThreadLocalRandom.current().nextInt(LETTERS.length())));
        return s.toString();
    }
}
