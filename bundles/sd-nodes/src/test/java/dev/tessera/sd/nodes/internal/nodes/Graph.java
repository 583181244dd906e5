package dev.tessera.sd.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.VaeFiles;
import dev.tessera.diffusion.nodes.internal.nodes.BasicGuiderNode;
import dev.tessera.diffusion.nodes.internal.nodes.BasicSchedulerNode;
import dev.tessera.diffusion.nodes.internal.nodes.CFGGuiderNode;
import dev.tessera.diffusion.nodes.internal.nodes.CLIPTextEncodeNode;
import dev.tessera.diffusion.nodes.internal.nodes.DisableNoiseNode;
import dev.tessera.diffusion.nodes.internal.nodes.EmptyLatentImageNode;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerAdvancedNode;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerNode;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerSelectNode;
import dev.tessera.diffusion.nodes.internal.nodes.RandomNoiseNode;
import dev.tessera.diffusion.nodes.internal.nodes.SamplerCustomAdvancedNode;
import dev.tessera.diffusion.nodes.internal.nodes.SamplerCustomNode;
import dev.tessera.diffusion.nodes.internal.nodes.SplitSigmasNode;
import dev.tessera.diffusion.nodes.internal.nodes.KarrasSchedulerNode;
import dev.tessera.diffusion.nodes.internal.nodes.ExponentialSchedulerNode;
import dev.tessera.diffusion.nodes.internal.nodes.PolyexponentialSchedulerNode;
import dev.tessera.diffusion.nodes.internal.nodes.BetaSamplingSchedulerNode;
import dev.tessera.diffusion.nodes.internal.nodes.SDTurboSchedulerNode;
import dev.tessera.diffusion.nodes.internal.nodes.FlipSigmasNode;
import dev.tessera.diffusion.nodes.internal.nodes.SetFirstSigmaNode;
import dev.tessera.diffusion.nodes.internal.nodes.AddNoiseNode;
import dev.tessera.diffusion.nodes.internal.nodes.DualCFGGuiderNode;
import dev.tessera.diffusion.nodes.internal.nodes.SamplerEulerAncestralNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEDecodeNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEDecodeTiledNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEEncodeNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEEncodeTiledNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAELoaderNode;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.WorkflowEngine;
import dev.tessera.graph.engine.internal.TestEngine;
import dev.tessera.image.internal.nodes.SaveImageNode;
import dev.tessera.sd.nodes.internal.CheckpointCache;
import dev.tessera.testing.CpuRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real engine with this bundle's node types and SaveImage, over a CPU runtime, as SCR would wire them. */
final class Graph implements AutoCloseable {

    final CpuRuntime runtime = new CpuRuntime();
    final TestEngine host;
    final CheckpointCache cache = new CheckpointCache(runtime);
    final VaeFiles vaeFiles = new VaeFiles(runtime);

    Graph(Path home, Path models) {
        host = new TestEngine(home, models);
        host.register(new CheckpointLoaderSimpleNode(host.folders(), cache));
        host.register(new CheckpointLoaderWithArchNode(host.folders(), cache));
        host.register(new DiffusersLoaderNode(host.folders(), cache));
        host.register(new VAELoaderNode(host.folders(), vaeFiles));
        host.register(new CLIPTextEncodeNode(runtime));
        host.register(new CLIPTextEncodeSDXLNode(runtime));
        host.register(new CLIPSetLastLayerNode());
        host.register(new EmptyLatentImageNode(runtime));
        host.register(new KSamplerNode(runtime));
        host.register(new KSamplerAdvancedNode(runtime));
        host.register(new KSamplerSelectNode());
        host.register(new BasicSchedulerNode());
        host.register(new SplitSigmasNode());
        host.register(new KarrasSchedulerNode());
        host.register(new ExponentialSchedulerNode());
        host.register(new PolyexponentialSchedulerNode());
        host.register(new BetaSamplingSchedulerNode());
        host.register(new SDTurboSchedulerNode());
        host.register(new FlipSigmasNode());
        host.register(new SetFirstSigmaNode());
        host.register(new AddNoiseNode(runtime));
        host.register(new DualCFGGuiderNode());
        host.register(new SamplerEulerAncestralNode());
        host.register(new RandomNoiseNode());
        host.register(new DisableNoiseNode());
        host.register(new BasicGuiderNode());
        host.register(new CFGGuiderNode());
        host.register(new SamplerCustomAdvancedNode(runtime));
        host.register(new SamplerCustomNode(runtime));
        host.register(new VAEDecodeNode(runtime));
        host.register(new VAEEncodeNode(runtime));
        host.register(new VAEDecodeTiledNode(runtime));
        host.register(new VAEEncodeTiledNode(runtime));
        host.register(new SaveImageNode(host.folders()));
    }

    WorkflowEngine engine() {
        return host.engine();
    }

    RunResult run(String json) {
        return engine().run(engine().parse(json, "test"), RunOptions.defaults(), event -> { });
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        host.close();
        cache.close();
        vaeFiles.close();
        runtime.close();
    }
}
