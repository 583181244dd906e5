package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import java.util.concurrent.atomic.AtomicInteger;

/** What VAEDecodeTiled and VAEEncodeTiled share: their tile inputs (ComfyUI's) and per-tile progress. */
final class TiledNodes {

    private TiledNodes() {}

    /** {@code tile_size} (step {@code tileStep}), {@code overlap}, and the video VAEs' temporal inputs. */
    static NodeDescriptor.Builder tileInputs(NodeDescriptor.Builder builder, long tileStep, String verb) {
        return builder.input(InputSpec.integer("tile_size", 512, 64, 4096, tileStep))
                .input(InputSpec.integer("overlap", 64, 0, 4096, 32))
                .input(InputSpec.integer("temporal_size", 64, 8, 4096, 4)
                        .withTooltip("Only used for video VAEs: Amount of frames to " + verb + " at a time."))
                .input(InputSpec.integer("temporal_overlap", 8, 4, 4096, 4)
                        .withTooltip("Only used for video VAEs: Amount of frames to overlap."));
    }

    /** Called after each of {@code total} tiles: the interrupt check and the node's progress. */
    static Runnable progress(ExecutionContext context, int total) {
        AtomicInteger done = new AtomicInteger();
        return () -> {
            context.checkInterrupted();
            context.progress(done.incrementAndGet(), total);
        };
    }
}
