package dev.tessera.evaluation;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.ValidationProblem;
import dev.tessera.graph.engine.WorkflowEngine;
import dev.tessera.layout.Layout;
import dev.tessera.shapes.ContactSheet;
import dev.tessera.shapes.MigScore;
import dev.tessera.shapes.MigTarget;
import dev.tessera.shapes.SceneConfig;
import dev.tessera.shapes.SceneGenerator;
import dev.tessera.shapes.ScoreTable;
import dev.tessera.shapes.ScoreTableJson;
import dev.tessera.shapes.ShapeDetector;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * The shapes benchmark: layouts drawn by the shapes world's generator at each level (instance count), each rendered
 * by every method from the same noise seed through the engine ({@link ShapesWorkflows}), detected with
 * {@link ShapeDetector} and scored with COCO-MIG's rules ({@link MigScore}) against the layout's targets.
 *
 * <p>Image {@code i} of level {@code L} is scene {@code k = 1000 L + i} of generator seed
 * {@code LAYOUT_STREAM + seed} (never a training set's), with exactly
 * {@code L} objects, and every method samples it with the KSampler seed {@code 10000 seed + k}. Images go in level
 * order, and for each image every method in turn, so a benchmark stopped early compares the methods on the same
 * images.
 */
public final class ShapesBenchmark {

    /** Images per level at most: the scene index {@code 1000 L + i} keeps levels apart. */
    public static final int MAX_PER_LEVEL = 1000;
    /** The largest seed: the noise seeds {@code 10000 seed + k} stay within a long. */
    public static final long MAX_SEED = (1L << 40) - 1;
    /**
     * The benchmark draws its layouts from generator seed {@code LAYOUT_STREAM + seed}, a stream no training set
     * uses ({@code tessera train shapes} takes seeds up to {@link #MAX_SEED}), so no benchmark layout is a training
     * scene.
     */
    public static final long LAYOUT_STREAM = 1L << 41;

    /**
     * What to run.
     *
     * @param levels instance counts (COCO-MIG's L2 to L6 are 2 to 6), each 1 to 6
     */
    public record Options(long seed, int perLevel, List<Integer> levels, List<EvalMethod> methods,
            RenderSettings render) {
        public Options {
            levels = List.copyOf(levels);
            methods = List.copyOf(methods);
            if (seed < 0 || seed > MAX_SEED) {
                throw new IllegalArgumentException("seed " + seed + ": expected 0 to " + MAX_SEED);
            }
            if (perLevel < 1 || perLevel > MAX_PER_LEVEL) {
                throw new IllegalArgumentException("images per level " + perLevel + ": expected 1 to " + MAX_PER_LEVEL);
            }
            if (levels.isEmpty() || methods.isEmpty()) {
                throw new IllegalArgumentException("no levels or no methods; expected at least one of each");
            }
            int most = SceneConfig.defaults().maxObjects();
            for (int level : levels) {
                if (level < 1 || level > most) {
                    throw new IllegalArgumentException("level " + level + ": expected 1 to " + most
                            + " instances (the shapes world's scenes hold at most " + most + " objects)");
                }
            }
        }

        /** Images to render: every layout with every method. */
        public int total() {
            return perLevel * levels.size() * methods.size();
        }
    }

    /** Told after each image. */
    public interface Listener {
        /**
         * @param done images rendered so far (all methods), of {@code total}
         */
        void imageDone(EvalMethod method, int level, int done, int total);
    }

    /**
     * What a run produced: the scores, and per method its images and their layouts in the order rendered.
     *
     * @param complete false when the run was stopped before every image was rendered
     */
    public record Results(ScoreTable table, Map<String, List<BufferedImage>> images,
            Map<String, List<Layout>> layouts, int columns, boolean complete) {
    }

    private final WorkflowEngine engine;
    private final Folders folders;
    private final ShapeDetector detector = new ShapeDetector();

    /**
     * @param folders where the engine's PreviewImage writes ({@link Folders#temp()})
     */
    public ShapesBenchmark(WorkflowEngine engine, Folders folders) {
        this.engine = engine;
        this.folders = folders;
    }

    /** The layouts of {@code level}, in order. */
    public static List<Layout> layouts(Options options, int level) {
        int size = options.render().size();
        SceneGenerator generator = new SceneGenerator(size == 64 ? SceneConfig.defaults()
                : SceneConfig.forSize(size, size));
        List<Layout> layouts = new ArrayList<>();
        for (int i = 0; i < options.perLevel(); i++) {
            layouts.add(generator.scene(LAYOUT_STREAM + options.seed(), sceneIndex(level, i), level).layout());
        }
        return layouts;
    }

    static long sceneIndex(int level, int i) {
        return (long) MAX_PER_LEVEL * level + i;
    }

    /** The KSampler seed of image {@code i} of {@code level}, the same for every method. */
    public static long noiseSeed(long seed, int level, int i) {
        return 10_000L * seed + sceneIndex(level, i);
    }

    /**
     * Renders and scores every layout with every method, until done or {@code stop} says so (checked between
     * images).
     *
     * @throws EvaluationException when a workflow is invalid or fails (naming method, level, image and the node's
     *                             message), or an image cannot be read
     */
    public Results run(Options options, Listener listener, BooleanSupplier stop) {
        int size = options.render().size();
        ScoreTable table = new ScoreTable();
        Map<String, List<BufferedImage>> images = new LinkedHashMap<>();
        Map<String, List<Layout>> layouts = new LinkedHashMap<>();
        List<Path> previews = new ArrayList<>();
        int done = 0;
        try {
            for (int level : options.levels()) {
                List<Layout> levelLayouts;
                try {
                    levelLayouts = layouts(options, level);
                } catch (IllegalStateException crowded) {
                    throw new EvaluationException("level " + level + ": " + crowded.getMessage(), crowded);
                }
                for (int i = 0; i < levelLayouts.size(); i++) {
                    Layout layout = levelLayouts.get(i);
                    List<MigTarget> targets = MigTarget.of(layout, size, size);
                    for (EvalMethod method : options.methods()) {
                        if (stop.getAsBoolean()) {
                            return new Results(table, images, layouts, columns(options), false);
                        }
                        String label = method.name() + ", level " + level + ", image " + (i + 1);
                        String workflow = ShapesWorkflows.workflow(layout, method, options.render(),
                                noiseSeed(options.seed(), level, i));
                        BufferedImage image = render(workflow, label, previews);
                        table.add(method.name(), MigScore.score(targets, detector.detect(image)));
                        images.computeIfAbsent(method.name(), m -> new ArrayList<>()).add(image);
                        layouts.computeIfAbsent(method.name(), m -> new ArrayList<>()).add(layout);
                        listener.imageDone(method, level, ++done, options.total());
                    }
                }
            }
            return new Results(table, images, layouts, columns(options), true);
        } finally {
            // Deleted at the end, not after reading: a repeated workflow is answered from the engine's cache,
            // which names the file written the first time.
            for (Path preview : previews) {
                try {
                    Files.deleteIfExists(preview);
                } catch (IOException e) {
                    // a leftover preview in the temp folder is harmless
                }
            }
        }
    }

    /** One level a row when it fits. */
    private static int columns(Options options) {
        return Math.min(options.perLevel(), 16);
    }

    private BufferedImage render(String json, String label, List<Path> previews) {
        RunResult result = engine.run(engine.parse(json, label), RunOptions.defaults(), event -> { });
        switch (result.status()) {
            case SUCCESS -> {
                Path file = previewFile(result, label);
                previews.add(file);
                try {
                    BufferedImage image = ImageIO.read(file.toFile());
                    if (image == null) {
                        throw new EvaluationException(label + ": " + file + " is not an image ImageIO reads");
                    }
                    return image;
                } catch (IOException e) {
                    throw new EvaluationException(label + ": cannot read " + file + ": " + e.getMessage(), e);
                }
            }
            case INVALID -> throw new EvaluationException(label + ": the workflow is invalid: "
                    + result.validation().errors().stream().map(ValidationProblem::message)
                            .collect(Collectors.joining("; ")));
            case FAILED -> {
                var e = result.error();
                throw new EvaluationException(label + ": node " + e.nodeId() + " (" + e.classType() + ")"
                        + (e.inputName() == null ? "" : " input '" + e.inputName() + "'") + " failed: " + e.message());
            }
            case INTERRUPTED -> throw new EvaluationException(label + ": the run was interrupted at node "
                    + result.interruption().nodeId());
            default -> throw new IllegalStateException("unknown run status " + result.status());
        }
    }

    /** The PreviewImage's file: the run's only output, in the temp folder. */
    private Path previewFile(RunResult result, String label) {
        List<ImageRef> refs = result.outputs().values().stream()
                .flatMap(ui -> ui.getOrDefault("images", List.of()).stream())
                .filter(ImageRef.class::isInstance).map(ImageRef.class::cast).toList();
        if (refs.size() != 1 || !refs.get(0).type().equals("temp")) {
            throw new EvaluationException(label + ": expected one preview image in the temp folder, got " + refs);
        }
        ImageRef ref = refs.get(0);
        return folders.temp().resolve(ref.subfolder()).resolve(ref.filename());
    }

    /**
     * Writes {@code results.json} ({@link ScoreTableJson}) and per method a contact sheet {@code <method>.png} of its
     * images with the target boxes framed into {@code dir} (created if missing).
     *
     * @return the files written
     */
    public static List<Path> write(Results results, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Path json = dir.resolve("results.json");
        Files.writeString(json, ScoreTableJson.write(results.table()), StandardCharsets.UTF_8);
        written.add(json);
        for (Map.Entry<String, List<BufferedImage>> method : results.images().entrySet()) {
            List<BufferedImage> images = method.getValue();
            int scale = Math.max(1, 128 / images.get(0).getWidth());
            BufferedImage sheet = ContactSheet.render(images, results.layouts().get(method.getKey()),
                    results.columns(), scale);
            Path png = dir.resolve(method.getKey() + ".png");
            if (!ImageIO.write(sheet, "png", png.toFile())) {
                throw new IOException("no PNG writer for " + png);
            }
            written.add(png);
        }
        return written;
    }
}
