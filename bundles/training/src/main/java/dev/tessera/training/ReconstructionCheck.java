package dev.tessera.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.models.sd.AutoencoderKL;
import dev.tessera.shapes.MigScore;
import dev.tessera.shapes.MigTarget;
import dev.tessera.shapes.Scene;
import dev.tessera.shapes.SceneGenerator;
import dev.tessera.shapes.ScoreTable;
import dev.tessera.shapes.ShapeDetector;
import dev.tessera.tensor.TensorScope;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * How well an autoencoder keeps what the benchmark measures: scenes are encoded and decoded, and the decoded images
 * scored with COCO-MIG's rules against their own layouts. No diffusion model can place shapes better than its
 * autoencoder draws them, so this is the ceiling of every method's scores.
 */
public final class ReconstructionCheck {

    private ReconstructionCheck() {}

    /** The scores of {@code count} scenes {@code (seed, 0..count-1)} of {@code scenes} after a round trip. */
    public static ScoreTable.Metrics score(AutoencoderKL vae, SceneGenerator scenes, long seed, int count,
            NDManager manager) {
        List<MigScore.ImageResult> results = new ArrayList<>();
        ShapeDetector detector = new ShapeDetector();
        for (int i = 0; i < count; i++) {
            Scene scene = scenes.scene(seed, i);
            TrainingData one = TrainingData.of(List.of(scene.render()), List.of(scene.layout()), List.of("scene " + i));
            BufferedImage decoded;
            try (NDManager scratch = manager.newSubManager()) {
                NDArray image = TensorScope.keep(() -> vae.decode(vae.encode(one.images(new int[] {0}, scratch))
                        .mean()));
                decoded = TrainingData.toImage(image);
            }
            results.add(MigScore.score(MigTarget.of(scene.objects()), detector.detect(decoded)));
        }
        return ScoreTable.metrics(results);
    }
}
