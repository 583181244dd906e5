package dev.tessera.image.internal.nodes;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeType;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's LoadImageOutput ("Load Image (from Outputs)"): LoadImage over the output folder, its images offered as
 * {@code "name [output]"} newest first (ComfyUI's editor asks {@code /internal/files/output} for them), so a result
 * can be fed back in. Any name LoadImage takes is accepted, as in ComfyUI.
 */
@Component(service = NodeType.class)
public final class LoadImageOutputNode extends LoadImageNode {

    @Activate
    public LoadImageOutputNode(@Reference Folders folders, @Reference TensorRuntime tensors) {
        super(folders, tensors, true);
    }
}
