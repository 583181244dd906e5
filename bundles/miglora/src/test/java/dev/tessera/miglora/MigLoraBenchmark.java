package dev.tessera.miglora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.layout.Box;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.ForwardHook;
import dev.tessera.model.api.HookContext;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.HookedUNet;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.sampling.ModelStep;
import dev.tessera.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Step time of the MIGLoRA hook for 1, 2, 4, 8 and 16 instances (the global caption counted), on the pack's tiny
 * SD1.5 UNet and on a mid-size SD1.x-topology UNet with random weights, one sampler step = one CFG-batched call
 * (unconditional + conditional row), CPU float32, mask fusion. Prints a markdown table.
 *
 * <p>Run: {@code mvn -o -q -pl bundles/miglora test-compile exec:java} is not wired; run the class from the test
 * classpath, e.g. {@code java -cp "$(cat cp.txt):target/classes:target/test-classes"
 * -Dtessera.conformance.dir=testdata/conformance dev.tessera.miglora.MigLoraBenchmark}.
 */
public final class MigLoraBenchmark {

    private MigLoraBenchmark() {}

    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("miglora-bench");
        try (NDManager manager = NDManager.newBaseManager()) {
            try (StableDiffusionCheckpoint tiny = Tiny.checkpoint(manager)) {
                UNet2DConditionModel unet = tiny.unet();
                MaskEncoder encoder = MaskEncoder.read(Pack.releasedEncoder(), manager);
                run("tiny SD1.5 (pack), 64x64 px, latent 8x8", unet, encoder, 8, 77, manager, repeats);
            }
            UNet2DConditionConfig mid = new UNet2DConditionConfig(4, 4, List.of(64, 128, 256, 256),
                    List.of(true, true, true, false), 2, List.of(8, 8, 8, 8), List.of(1, 1, 1, 1), 256, 32, 1e-5f,
                    true, 0, false, 1, 1f, true);
            Map<String, NDArray> made = new HashMap<>();
            long[] seed = {100};
            Weights random = (name, shape) -> made.computeIfAbsent(name,
                    n -> Tiny.random(manager, seed[0]++, name.endsWith("weight") && shape.dimension() > 1
                            ? (float) (1.0 / Math.sqrt(shape.size() / shape.get(0))) : 0.02f, shape.getShape()));
            UNet2DConditionModel unet = new UNet2DConditionModel(mid, random, DataType.FLOAT32);
            MaskEncoder encoder = MaskEncoder.read(Tiny.releasedEncoder(dir.resolve("mid.safetensors"), manager, 9,
                    64, false), manager);
            run("mid-size (channels 64/128/256/256, context 256), 256x256 px, latent 32x32", unet, encoder, 32, 77,
                    manager, repeats);
        }
    }

    private static void run(String title, UNet2DConditionModel unet, MaskEncoder encoder, int latent, int tokens,
            NDManager manager, int repeats) {
        int width = unet.config().crossAttentionDim();
        System.out.println();
        System.out.println("### " + title);
        System.out.println();
        System.out.println("| instances | UNet rows per step | ms per step | x plain step |");
        System.out.println("| ---: | ---: | ---: | ---: |");
        Conditioning.Entry entry = new Conditioning.Entry(manager.zeros(new Shape(1, tokens, width)), null);
        HookContext where = new HookContext(new ModelStep(0, 10, 500, 1), List.of(
                new HookContext.BatchPart(0, 1, true, entry), new HookContext.BatchPart(1, 1, false, entry)));
        double plain = time(unet, List.of(), latent, tokens, width, where, manager, repeats);
        System.out.printf(Locale.ROOT, "| plain | 2 | %.1f | 1.00 |%n", plain);
        for (int n : new int[] {1, 2, 4, 8, 16}) {
            List<Instance> instances = new ArrayList<>();
            for (int i = 1; i < n; i++) {
                double x = (i % 4) * 0.25;
                double y = ((i / 4) % 4) * 0.25;
                instances.add(Instance.of("object " + i, new Box(x, y, x + 0.3 > 1 ? 1 : x + 0.3, y + 0.3 > 1 ? 1
                        : y + 0.3)));
            }
            Layout layout = Layout.of("a scene", instances);
            MigHook hook = new MigHook(encoder, layout, InstanceEmbeddings.of(Tiny.random(manager, n, 1f, n, tokens,
                    width)), Fusion.MASK, 1);
            double ms = time(unet, List.of(hook), latent, tokens, width, where, manager, repeats);
            System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.2f |%n", n, 2 * n, ms, ms / plain);
        }
    }

    private static double time(UNet2DConditionModel unet, List<ForwardHook> hooks, int latent, int tokens, int width,
            HookContext where, NDManager manager, int repeats) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = Tiny.random(m, 1, 1f, 2, 4, latent, latent);
            NDArray t = m.full(new Shape(2), 500f, DataType.FLOAT32);
            NDArray ctx = Tiny.random(m, 2, 1f, 2, tokens, width);
            TensorScope.run(() -> HookedUNet.forward(unet, hooks, x, t, ctx, where).toFloatArray()); // warm-up
            long start = System.nanoTime();
            for (int r = 0; r < repeats; r++) {
                TensorScope.run(() -> HookedUNet.forward(unet, hooks, x, t, ctx, where).toFloatArray());
            }
            return (System.nanoTime() - start) / 1e6 / repeats;
        }
    }
}
