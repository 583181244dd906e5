package dev.tessera.contextgen.tools;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * Writes what {@code sample-workflows/contextgen-flux-kontext.json} needs and the conformance pack lacks:
 * <ul>
 *   <li>{@code models/vae/tiny-flux-ae.safetensors}: a FLUX-style autoencoder (original {@code ae.safetensors}
 *       key layout, no quant convolutions) with the pack's tiny SD1.5 VAE topology (8-16 channels, 4 latent
 *       channels, which is what the pack's tiny FLUX takes: in_channels 16 = 4 x 2 x 2) and <b>seeded random
 *       weights</b>;</li>
 *   <li>{@code input/contextgen-ref-a.png}, {@code input/contextgen-ref-b.png}: small RGBA references (a disc and a
 *       rounded block on transparency);</li>
 *   <li>{@code input/contextgen-layout.png}: the RGBA layout image {@code contextgen-segment-info.json} names, at its
 *       256-pixel frame (the sample's output is 128: it is resized), the two shapes in their boxes on
 *       transparency, as the authors' demo layout images are.</li>
 * </ul>
 * Run: {@code java -cp <test classpath> dev.tessera.contextgen.tools.SampleAssetsGenerator <pack dir>
 * <sample-workflows dir>}. The output is deterministic (seed 2026).
 */
public final class SampleAssetsGenerator {

    private SampleAssetsGenerator() {}

    public static void main(String[] args) throws IOException {
        Path pack = Path.of(args[0]);
        Path samples = Path.of(args[1]);
        writeAe(pack.resolve("sd15/single-file/tiny-sd15.safetensors"),
                samples.resolve("models/vae/tiny-flux-ae.safetensors"));
        writeReference(samples.resolve("input/contextgen-ref-a.png"), 48, 48, true, 0xFFD04020);
        writeReference(samples.resolve("input/contextgen-ref-b.png"), 64, 32, false, 0xFF2060C0);
        writeLayoutImage(samples.resolve("input/contextgen-layout.png"));
    }

    /** 256x256 RGBA: a red disc in [17, 81, 129, 201], a blue block in [113, 97, 249, 193], transparent elsewhere. */
    static void writeLayoutImage(Path out) throws IOException {
        BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                double dx = (x + 0.5 - 73) / 56.0;
                double dy = (y + 0.5 - 141) / 60.0;
                boolean disc = dx * dx + dy * dy <= 0.8;
                boolean block = x >= 120 && x < 242 && y >= 104 && y < 186;
                image.setRGB(x, y, disc ? 0xFFD04020 : block ? 0xFF2060C0 : 0x00808080);
            }
        }
        ImageIO.write(image, "png", out.toFile());
    }

    static void writeAe(Path template, Path out) throws IOException {
        String prefix = "first_stage_model.";
        Random random = new Random(2026);
        Files.createDirectories(out.getParent());
        try (SafetensorsFile file = SafetensorsFile.open(template); NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new TreeMap<>();
            for (String name : new java.util.TreeSet<>(file.names())) {
                if (!name.startsWith(prefix) || name.contains("quant_conv")) {
                    continue;
                }
                String bare = name.substring(prefix.length());
                long[] shape = file.info(name).shape();
                int n = 1;
                for (long d : shape) {
                    n *= (int) d;
                }
                float[] values = new float[n];
                boolean normWeight = bare.contains("norm") && bare.endsWith(".weight");
                boolean bias = bare.endsWith(".bias");
                for (int i = 0; i < n; i++) {
                    double g = random.nextGaussian();
                    values[i] = (float) (normWeight ? 1 + 0.1 * g : bias ? 0.02 * g : 0.2 * g);
                }
                tensors.put(bare, manager.create(values, new Shape(shape)));
            }
            SafetensorsWriter.write(out, tensors, Map.of("note", "random weights: a tiny FLUX-style autoencoder for"
                    + " the sample workflow, not a trained model"));
        }
    }

    static void writeReference(Path out, int w, int h, boolean disc, int argb) throws IOException {
        Files.createDirectories(out.getParent());
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = (x + 0.5 - w / 2.0) / (w / 2.0);
                double dy = (y + 0.5 - h / 2.0) / (h / 2.0);
                boolean inside = disc ? dx * dx + dy * dy <= 0.8 : Math.abs(dx) <= 0.8 && Math.abs(dy) <= 0.7;
                int shade = (int) (40 * (dx + dy));
                int r = clamp(((argb >> 16) & 0xFF) + shade);
                int g = clamp(((argb >> 8) & 0xFF) + shade);
                int b = clamp((argb & 0xFF) + shade);
                image.setRGB(x, y, inside ? 0xFF000000 | r << 16 | g << 8 | b : 0x00000000);
            }
        }
        ImageIO.write(image, "png", out.toFile());
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
