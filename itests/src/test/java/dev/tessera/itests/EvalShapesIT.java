package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tessera eval shapes} and {@code tessera train} from the exported jar: the benchmark on the sample's tiny
 * models (random weights, so the scores are about 0; what is checked is the run and what it writes) and a missing
 * checkpoint.
 */
class EvalShapesIT {

    static final String MODELS = TesseraFramework.repo().resolve("sample-workflows/models").toString();
    static final List<String> METHODS = List.of("plain", "area", "miglora-avg");

    @TempDir
    Path work;

    @Test
    void theBenchmarkWritesResultsForEveryMethodAndLevelAndAContactSheetEach() throws Exception {
        JarRun run = JarRun.tessera(work, "eval", "shapes", "--per-level", "1", "--levels", "2-3", "--methods",
                String.join(",", METHODS), "--checkpoint", "tiny-sd15.safetensors", "--mask-encoder",
                "tiny-mask-encoder-released.safetensors", "--lora", "tiny-sd15-peft.safetensors", "--models", MODELS,
                "--steps", "2", "--out", "results");
        assertEquals(0, run.code(), run::toString);
        run.assertNoStackTrace();
        assertTrue(run.err().contains("miglora-avg L3 6/6"), "progress per image: " + run);
        assertTrue(run.out().startsWith("SR "), "the table on stdout: " + run);

        Path out = work.resolve("results");
        JsonObject methods = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject()
                .getAsJsonObject("methods");
        assertEquals(METHODS, List.copyOf(methods.keySet()));
        for (String method : METHODS) {
            JsonObject levels = methods.getAsJsonObject(method).getAsJsonObject("levels");
            assertEquals(List.of("2", "3"), List.copyOf(levels.keySet()), method);
            for (String level : List.of("2", "3")) {
                JsonObject figures = levels.getAsJsonObject(level);
                assertEquals(1, figures.get("images").getAsInt(), method + " L" + level);
                for (String figure : List.of("sr", "isr", "miou")) {
                    double v = figures.get(figure).getAsDouble();
                    assertTrue(v >= 0 && v <= 1, method + " L" + level + " " + figure + " " + v);
                }
            }
            assertEquals(2, methods.getAsJsonObject(method).getAsJsonObject("overall").get("images").getAsInt());
            BufferedImage sheet = ImageIO.read(out.resolve(method + ".png").toFile());
            assertTrue(sheet.getWidth() > 128 && sheet.getHeight() > 2 * 128, method + ": two 64-pixel images at scale 2");
        }
    }

    @Test
    void aMissingCheckpointEndsWithExitOneNamingTheFile() throws Exception {
        JarRun run = JarRun.tessera(work, "eval", "shapes", "--per-level", "1", "--levels", "2", "--methods", "plain",
                "--checkpoint", "no-such-model.safetensors", "--models", MODELS, "--out", "results");
        assertEquals(1, run.code(), run::toString);
        run.assertNoStackTrace();
        assertTrue(run.err().contains("error: plain, level 2, image 1: the workflow is invalid:")
                && run.err().contains("'no-such-model.safetensors' is not one of its options"), run::toString);
    }

    @Test
    void aCheckpointsFolderLinkedOutsideTheModelsFolderIsNamedWhenNoneIsListed() throws Exception {
        // Links leading out of models/ are not listed; the error says so rather than a bare "there are none".
        Path models = Files.createDirectories(work.resolve("models"));
        Files.createSymbolicLink(models.resolve("checkpoints"), Path.of(MODELS).resolve("checkpoints"));
        JarRun run = JarRun.tessera(work, "eval", "shapes", "--per-level", "1", "--levels", "2", "--methods", "plain",
                "--checkpoint", "tiny-sd15.safetensors", "--models", models.toString(), "--out", "results");
        assertEquals(1, run.code(), run::toString);
        run.assertNoStackTrace();
        assertTrue(run.err().contains("'tiny-sd15.safetensors' is not one of its options; there are none; 1 entry was"
                + " skipped because it leads outside " + models + ": 'checkpoints'"), run::toString);
    }

    @Test
    void trainAndEvalAreCommandsOfTheApplication() throws Exception {
        JarRun train = JarRun.tessera(work, "train", "--help");
        assertEquals(0, train.code(), train::toString);
        assertTrue(train.out().startsWith("usage: tessera train shapes"), train::toString);
        JarRun eval = JarRun.tessera(work, "eval", "--help");
        assertEquals(0, eval.code(), eval::toString);
        assertTrue(eval.out().startsWith("usage: tessera eval shapes"), eval::toString);
    }
}
