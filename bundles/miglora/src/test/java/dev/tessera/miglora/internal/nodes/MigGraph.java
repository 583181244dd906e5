package dev.tessera.miglora.internal.nodes;

import dev.tessera.diffusion.nodes.internal.nodes.CLIPTextEncodeNode;
import dev.tessera.diffusion.nodes.internal.nodes.EmptyLatentImageNode;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerAdvancedNode;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEDecodeNode;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.WorkflowEngine;
import dev.tessera.graph.engine.internal.TestEngine;
import dev.tessera.image.internal.nodes.SaveImageNode;
import dev.tessera.layout.internal.nodes.LayoutFromTokensNode;
import dev.tessera.sd.nodes.internal.CheckpointCache;
import dev.tessera.sd.nodes.internal.nodes.CheckpointLoaderSimpleNode;
import dev.tessera.testing.CpuRuntime;
import java.nio.file.Path;

/** The real engine with the SD nodes, LayoutFromTokens, SaveImage and this bundle's nodes, as SCR wires them. */
final class MigGraph implements AutoCloseable {

    final CpuRuntime runtime = new CpuRuntime();
    final TestEngine host;
    final CheckpointCache cache = new CheckpointCache(runtime);
    final CheckpointLoaderSimpleNode checkpointLoader;
    final CLIPTextEncodeNode textEncode;
    final MIGLoRALoaderNode loader;
    final MIGEncodeNode encode = new MIGEncodeNode(runtime);
    final MIGApplyNode apply = new MIGApplyNode();
    final EmptyLatentImageNode emptyLatent;
    final KSamplerNode ksampler;
    final KSamplerAdvancedNode ksamplerAdvanced;

    MigGraph(Path home, Path models) {
        host = new TestEngine(home, models);
        checkpointLoader = host.register(new CheckpointLoaderSimpleNode(host.folders(), cache));
        textEncode = host.register(new CLIPTextEncodeNode(runtime));
        emptyLatent = host.register(new EmptyLatentImageNode(runtime));
        ksampler = host.register(new KSamplerNode(runtime));
        ksamplerAdvanced = host.register(new KSamplerAdvancedNode(runtime));
        host.register(new VAEDecodeNode(runtime));
        host.register(new SaveImageNode(host.folders()));
        host.register(new LayoutFromTokensNode());
        loader = host.register(new MIGLoRALoaderNode(host.folders(), runtime));
        host.register(encode);
        host.register(apply);
    }

    WorkflowEngine engine() {
        return host.engine();
    }

    RunResult run(String json) {
        return engine().run(engine().parse(json, "test"), RunOptions.defaults(), event -> { });
    }

    @Override
    public void close() {
        host.close();
        cache.close();
        runtime.close();
    }
}
