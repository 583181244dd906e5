package dev.tessera.shapes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * COCO-MIG's figures per method, per level (an image's instance count: the benchmark's L2 to L6, other counts
 * under their own number) and overall: SR (share of images whose instances all succeed), I-SR (share of instances
 * that succeed), mIoU (mean of the instances' IoUs) and the number of images. Methods keep the order they were
 * first added in. Not thread-safe.
 */
public final class ScoreTable {

    /** The figures of a set of images. {@code instances} is how many instances they hold. */
    public record Metrics(double sr, double isr, double miou, int images, int instances) {}

    private final Map<String, List<MigScore.ImageResult>> results = new LinkedHashMap<>();

    public ScoreTable add(String method, MigScore.ImageResult image) {
        if (method == null || method.isBlank()) {
            throw new IllegalArgumentException("method name is empty; expected a name for the table's row");
        }
        results.computeIfAbsent(method, m -> new ArrayList<>()).add(image);
        return this;
    }

    public ScoreTable addAll(String method, List<MigScore.ImageResult> images) {
        images.forEach(i -> add(method, i));
        return this;
    }

    public List<String> methods() {
        return List.copyOf(results.keySet());
    }

    /** The figures of {@code method} per level, by level. */
    public SortedMap<Integer, Metrics> levels(String method) {
        SortedMap<Integer, List<MigScore.ImageResult>> byLevel = new TreeMap<>();
        for (MigScore.ImageResult r : images(method)) byLevel.computeIfAbsent(r.level(), l -> new ArrayList<>()).add(r);
        SortedMap<Integer, Metrics> levels = new TreeMap<>();
        byLevel.forEach((level, images) -> levels.put(level, metrics(images)));
        return levels;
    }

    /** The figures of {@code method} over all its images. */
    public Metrics overall(String method) {
        return metrics(images(method));
    }

    private List<MigScore.ImageResult> images(String method) {
        List<MigScore.ImageResult> images = results.get(method);
        if (images == null) {
            throw new IllegalArgumentException("no results for method '" + method + "'; the table has "
                    + results.keySet());
        }
        return images;
    }

    /** The figures of {@code images}; of no images or instances, the shares are NaN. */
    public static Metrics metrics(List<MigScore.ImageResult> images) {
        int succeeded = 0;
        int instances = 0;
        long instanceSuccesses = 0;
        double iouSum = 0;
        for (MigScore.ImageResult image : images) {
            if (image.success()) succeeded++;
            instances += image.level();
            instanceSuccesses += image.successes();
            for (MigScore.InstanceResult i : image.instances()) iouSum += i.iou();
        }
        return new Metrics(succeeded / (double) images.size(), instanceSuccesses / (double) instances,
                iouSum / instances, images.size(), instances);
    }

    /**
     * A plain-text table per figure (SR, I-SR, mIoU, images): a row per method, a column per level present in any
     * method, and "all".
     */
    public String format() {
        SortedMap<Integer, Boolean> allLevels = new TreeMap<>();
        for (String m : results.keySet()) levels(m).keySet().forEach(l -> allLevels.put(l, true));
        int nameWidth = Math.max(6, results.keySet().stream().mapToInt(String::length).max().orElse(0));
        StringBuilder s = new StringBuilder();
        String[] figures = {"SR", "I-SR", "mIoU", "images"};
        for (int f = 0; f < figures.length; f++) {
            if (f > 0) s.append('\n');
            s.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", figures[f]));
            for (int level : allLevels.keySet()) s.append(String.format(Locale.ROOT, " %7s", "L" + level));
            s.append(String.format(Locale.ROOT, " %7s%n", "all"));
            for (String m : results.keySet()) {
                s.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", m));
                SortedMap<Integer, Metrics> levels = levels(m);
                for (int level : allLevels.keySet()) s.append(cell(levels.get(level), f));
                s.append(cell(overall(m), f)).append('\n');
            }
        }
        return s.toString();
    }

    private static String cell(Metrics m, int figure) {
        if (m == null) return String.format(Locale.ROOT, " %7s", "-");
        return switch (figure) {
            case 0 -> String.format(Locale.ROOT, " %7.3f", m.sr());
            case 1 -> String.format(Locale.ROOT, " %7.3f", m.isr());
            case 2 -> String.format(Locale.ROOT, " %7.3f", m.miou());
            default -> String.format(Locale.ROOT, " %7d", m.images());
        };
    }
}
