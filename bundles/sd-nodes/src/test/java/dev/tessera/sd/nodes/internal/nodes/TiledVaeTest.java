package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.diffusion.nodes.internal.nodes.VAEDecodeNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEDecodeTiledNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEEncodeNode;
import dev.tessera.diffusion.nodes.internal.nodes.VAEEncodeTiledNode;
import dev.tessera.graph.api.NodeException;
import dev.tessera.image.ImageBatch;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.Vae;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VAEDecodeTiled and VAEEncodeTiled: ComfyUI's three-pass tile blending. A VAE acting on each latent cell alone
 * (a test instrument) must give exactly its untiled result, whatever the tiles, since the weights of every pixel
 * sum to what they divide by; the tiny SD1.5 VAE, whose convolutions see across tile edges, comes close.
 */
class TiledVaeTest {

    @TempDir
    Path home;
    private Graph graph;
    private BadInputTest.Loaded loaded;
    private RunScope scope;
    private NDManager m;

    @BeforeEach
    void setUp() {
        Path models = ConformancePack.tinySd15Models(home);
        graph = new Graph(home, models);
        loaded = new BadInputTest.Loaded(graph.cache, models, graph.runtime);
        scope = new RunScope();
        m = graph.runtime.newManager("test");
        m.getEngine().setRandomSeed(11);
    }

    @AfterEach
    void tearDown() throws Exception {
        m.close();
        scope.close();
        loaded.close();
        graph.close();
    }

    /** Each latent cell to an 8x8 block of its first three channels squashed into [0, 1], and back by block means. */
    private static final class PerCellVae implements Vae {
        private final LatentFormat format;

        PerCellVae(LatentFormat format) {
            this.format = format;
        }

        @Override
        public LatentFormat latentFormat() {
            return format;
        }

        @Override
        public NDArray decode(NDArray latent, NDManager manager) {
            NDArray rgb = latent.get(":, 0:3, :, :").tanh().add(1f).div(2f);
            NDArray up = rgb.repeat(2, 8).repeat(3, 8).transpose(0, 2, 3, 1);
            up.attach(manager);
            return up;
        }

        @Override
        public NDArray encode(NDArray pixels, NDManager manager) {
            Shape s = pixels.getShape();
            NDArray blocks = pixels.reshape(s.get(0), s.get(1) / 8, 8, s.get(2) / 8, 8, 3).mean(new int[] {4}).mean(new int[] {2});
            NDArray cells = blocks.transpose(0, 3, 1, 2);
            NDArray latent = cells.concat(cells.mean(new int[] {1}, true), 1);
            latent.attach(manager);
            return latent;
        }

        @Override
        public void close() {}
    }

    private float[] decode(Vae vae, Latent latent) {
        return ((ImageBatch) new VAEDecodeNode(graph.runtime).execute(new MapInputs().with("samples", latent)
                .with("vae", vae), new RecordingContext(scope)).value(0)).pixels().toFloatArray();
    }

    private float[] decodeTiled(Vae vae, Latent latent, long tile, long overlap) {
        return ((ImageBatch) new VAEDecodeTiledNode(graph.runtime).execute(new MapInputs().with("samples", latent)
                .with("vae", vae).with("tile_size", tile).with("overlap", overlap).with("temporal_size", 64L)
                .with("temporal_overlap", 8L), new RecordingContext(scope)).value(0)).pixels().toFloatArray();
    }

    private float[] encode(Vae vae, ImageBatch image) {
        return ((Latent) new VAEEncodeNode(graph.runtime).execute(new MapInputs().with("pixels", image)
                .with("vae", vae), new RecordingContext(scope)).value(0)).samples().toFloatArray();
    }

    private float[] encodeTiled(Vae vae, ImageBatch image, long tile, long overlap) {
        return ((Latent) new VAEEncodeTiledNode(graph.runtime).execute(new MapInputs().with("pixels", image)
                .with("vae", vae).with("tile_size", tile).with("overlap", overlap).with("temporal_size", 64L)
                .with("temporal_overlap", 8L), new RecordingContext(scope)).value(0)).samples().toFloatArray();
    }

    private Latent latent(long batch, long h, long w) {
        NDManager owner = graph.runtime.newManager("latent");
        NDArray samples = m.randomNormal(new Shape(batch, 4, h, w));
        return Latent.owning(owner, samples.duplicate(), null, null);
    }

    private ImageBatch image(long batch, long h, long w) {
        return ImageBatch.owning(graph.runtime.newManager("image"), m.randomUniform(0f, 1f, new Shape(batch, h, w, 3))
                .duplicate());
    }

    private static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    private static double relative(float[] expected, float[] actual) {
        double[] e = new double[expected.length];
        double[] a = new double[actual.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = expected[i];
            a[i] = actual[i];
        }
        return dev.tessera.testing.Closeness.relativeError(a, e);
    }

    private static double meanDiff(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    @Test
    void aPerCellVaeDecodesAndEncodesTheSameTiledAsWhole() {
        Vae perCell = new PerCellVae(loaded.vae.latentFormat());
        // 20 x 28 cells in tiles of 8 cells overlapping by 2 (64 px tiles, overlap 16 px), 2 images in the batch
        try (Latent latent = latent(2, 20, 28)) {
            float[] whole = decode(perCell, latent);
            double worst = maxDiff(whole, decodeTiled(perCell, latent, 64, 16));
            assertTrue(worst < 1e-6, "tiled decode differs by " + worst);
            // an overlap above a quarter of the tile is cut to a quarter, as in ComfyUI
            assertTrue(maxDiff(whole, decodeTiled(perCell, latent, 64, 64)) < 1e-6);
        }
        try (ImageBatch image = image(1, 200, 136)) {
            float[] whole = encode(perCell, image);
            double worst = maxDiff(whole, encodeTiled(perCell, image, 64, 16));
            assertTrue(worst < 1e-6, "tiled encode differs by " + worst);
        }
    }

    @Test
    void theTinyVaeTiledIsCloseToUntiledAndExactWhenOneTileCoversAll() {
        try (Latent small = latent(1, 8, 8); Latent large = latent(1, 24, 32)) {
            // 8 x 8 cells fit a 128 px tile (16 cells) in all three shapes (8 x 32, 32 x 8, 16 x 16)
            // (x + x + x) / 3 as ComfyUI averages the three passes: equal up to rounding
            assertTrue(maxDiff(decode(loaded.vae, small), decodeTiled(loaded.vae, small, 128, 32)) < 1e-6);
            float[] whole = decode(loaded.vae, large);
            float[] tiled = decodeTiled(loaded.vae, large, 128, 32);
            double mean = meanDiff(whole, tiled);
            double relative = relative(whole, tiled);
            System.out.printf("tiny SD1.5 VAE, 256x192 px, tiles of 128 px overlapping 32: decode mean |diff| %.2e,"
                    + " max %.2e, relative L2 %.2e%n", mean, maxDiff(whole, tiled), relative);
            assertTrue(relative < 0.15, "relative L2 " + relative);
        }
        try (ImageBatch image = image(1, 192, 256)) {
            float[] whole = encode(loaded.vae, image);
            float[] tiled = encodeTiled(loaded.vae, image, 128, 32);
            double mean = meanDiff(whole, tiled);
            double relative = relative(whole, tiled);
            System.out.printf("tiny SD1.5 VAE, 256x192 px: encode mean |diff| %.2e, max %.2e, relative L2 %.2e%n",
                    mean, maxDiff(whole, tiled), relative);
            assertTrue(relative < 0.15, "relative L2 " + relative);
        }
    }

    /** Inputs and outputs as ComfyUI's nodes.py declares VAEDecodeTiled and VAEEncodeTiled. */
    @Test
    void descriptorsAreComfyUis() {
        for (String[] want : new String[][] {
                {"VAEDecodeTiled", "VAE Decode (Tiled)", "samples:LATENT, vae:VAE, tile_size:INT, overlap:INT,"
                        + " temporal_size:INT, temporal_overlap:INT -> IMAGE:IMAGE"},
                {"VAEEncodeTiled", "VAE Encode (Tiled)", "pixels:IMAGE, vae:VAE, tile_size:INT, overlap:INT,"
                        + " temporal_size:INT, temporal_overlap:INT -> LATENT:LATENT"}}) {
            dev.tessera.graph.api.NodeDescriptor d = graph.engine().nodeType(want[0]).orElseThrow();
            assertEquals(want[1], d.displayName());
            assertEquals("_for_testing", d.category());
            assertEquals(want[2], d.inputs().stream().map(i -> i.name() + ":" + i.type().name())
                    .collect(java.util.stream.Collectors.joining(", ")) + " -> " + d.outputs().stream()
                    .map(o -> o.name() + ":" + o.type().name()).collect(java.util.stream.Collectors.joining(", ")));
        }
    }

    @Test
    void anOverlapOfHalfTheTileIsRefusedNamingTheInput() {
        try (ImageBatch image = image(1, 64, 64)) {
            NodeException e = assertThrows(NodeException.class, () -> encodeTiled(loaded.vae, image, 64, 32));
            assertEquals("overlap", e.inputName());
        }
    }
}
