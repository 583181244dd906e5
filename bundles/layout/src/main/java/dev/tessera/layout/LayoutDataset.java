package dev.tessera.layout;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder of images with their layouts, for training and evaluation: entry {@code <name>} is {@code <name>.png}
 * (the image) and {@code <name>.json} (its layout as Tessera JSON, see {@link JsonLayoutFormat}, with the image's
 * width and height; {@link #write} writes pixel coordinates). Names written by {@link #write(Path, int,
 * BufferedImage, Layout)} are six-digit indices ({@code 000012}). An optional {@code index.txt} lists the entry
 * names in order, one a line, and is then the whole dataset; without it every {@code .json} and {@code .png} in
 * the folder is an entry, in name order (shorter names first, so unpadded numbers sort numerically).
 *
 * <p>{@link #open} only pairs files (cheap for many thousands of entries); each entry is read and checked when
 * asked ({@link Entry#read}). Nothing is skipped silently: a JSON without its PNG, a PNG without its JSON, a name
 * the index lists without its files, JSON that does not parse, a layout without width and height or with an empty
 * caption, a box reaching outside the image, an image of another size than the layout's: each is an {@link
 * InvalidDatasetException} naming the folder, the entry and the file.
 */
public final class LayoutDataset {

    public static final String INDEX_FILE = "index.txt";
    public static final String IMAGE_SUFFIX = ".png";
    public static final String LAYOUT_SUFFIX = ".json";

    /** Shorter names first, then by characters: {@code 9} before {@code 10}, and zero-padded names in order. */
    private static final Comparator<String> NAME_ORDER = Comparator.comparingInt(String::length)
            .thenComparing(Comparator.naturalOrder());

    private final Path folder;
    private final List<Entry> entries;

    private LayoutDataset(Path folder, List<Entry> entries) {
        this.folder = folder;
        this.entries = List.copyOf(entries);
    }

    /** The entry name of index {@code index}: six digits, zero-padded. */
    public static String name(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("entry index " + index + " is negative; expected >= 0");
        }
        return String.format(Locale.ROOT, "%06d", index);
    }

    /** Writes entry {@link #name(int) name(index)}; see {@link #write(Path, String, BufferedImage, Layout)}. */
    public static Entry write(Path folder, int index, BufferedImage image, Layout layout) throws IOException {
        return write(folder, name(index), image, layout);
    }

    /**
     * Writes {@code image} as {@code <name>.png} and {@code layout} as {@code <name>.json} with pixel coordinates
     * of the image's size, creating the folder. The layout's size hint, when it has one, must be the image's
     * size, and its caption must not be empty (the checks reading makes, so a written entry reads back).
     */
    public static Entry write(Path folder, String name, BufferedImage image, Layout layout) throws IOException {
        Objects.requireNonNull(image, "image");
        checkName(folder, name);
        int w = image.getWidth();
        int h = image.getHeight();
        if (layout.caption().isEmpty()) {
            throw new InvalidDatasetException(folder, name, null, "the layout's caption is empty; expected the"
                    + " image's caption", null);
        }
        if (layout.width().isPresent() && (layout.width().getAsInt() != w || layout.height().getAsInt() != h)) {
            throw new InvalidDatasetException(folder, name, null, "the layout is for " + layout.width().getAsInt()
                    + "x" + layout.height().getAsInt() + " but the image is " + w + "x" + h
                    + "; expected the same size", null);
        }
        Files.createDirectories(folder);
        Entry entry = entry(folder, name);
        if (!ImageIO.write(image, "png", entry.imageFile().toFile())) {
            throw new IOException("no PNG writer for image type " + image.getType() + " (" + entry.imageFile() + ")");
        }
        String json = JsonLayoutFormat.write(layout.toBuilder().size(w, h).build(), Coordinates.pixels(w, h));
        Files.writeString(entry.layoutFile(), json + "\n", StandardCharsets.UTF_8);
        return entry;
    }

    /** Writes {@code index.txt} listing {@code names} in order: the dataset is then exactly these entries. */
    public static void writeIndex(Path folder, List<String> names) throws IOException {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            checkName(folder, name);
            if (!seen.add(name)) {
                throw new InvalidDatasetException(folder, "the index lists entry " + name + " twice; expected each"
                        + " name once");
            }
        }
        Files.createDirectories(folder);
        Files.write(folder.resolve(INDEX_FILE), names, StandardCharsets.UTF_8);
    }

    /**
     * The entries of {@code folder}: those {@code index.txt} lists, else every PNG/JSON pair. Files are paired here
     * (a JSON without its PNG, a PNG without its JSON, a listed name without its files is an error); their content
     * is read by {@link Entry#read}. Files of other types are not part of the dataset.
     */
    public static LayoutDataset open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidDatasetException(folder, "is not a folder; expected a folder of <name>.png and"
                    + " <name>.json files");
        }
        Path index = folder.resolve(INDEX_FILE);
        return new LayoutDataset(folder, Files.isRegularFile(index) ? indexed(folder, index) : scanned(folder));
    }

    public Path folder() {
        return folder;
    }

    public List<Entry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public Entry entry(int position) {
        return entries.get(position);
    }

    private static List<Entry> indexed(Path folder, Path index) {
        List<String> lines;
        try {
            lines = Files.readAllLines(index, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidDatasetException(folder, null, index, "cannot be read: " + e, e);
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String name = lines.get(i).strip();
            if (name.isEmpty()) continue;
            if (!seen.add(name)) {
                throw new InvalidDatasetException(folder, name, index, "line " + (i + 1) + " lists the entry a second"
                        + " time; expected each name once", null);
            }
            Entry entry = entry(folder, name);
            for (Path file : List.of(entry.layoutFile(), entry.imageFile())) {
                if (!Files.isRegularFile(file)) {
                    throw new InvalidDatasetException(folder, name, file, "is missing; " + INDEX_FILE + " line "
                            + (i + 1) + " lists the entry, expected " + name + IMAGE_SUFFIX + " and " + name
                            + LAYOUT_SUFFIX, null);
                }
            }
            entries.add(entry);
        }
        return entries;
    }

    private static List<Entry> scanned(Path folder) {
        Set<String> images = new HashSet<>();
        Set<String> layouts = new TreeSet<>(NAME_ORDER);
        try (Stream<Path> files = Files.list(folder)) {
            files.forEach(p -> {
                String file = p.getFileName().toString();
                if (file.endsWith(IMAGE_SUFFIX)) {
                    images.add(file.substring(0, file.length() - IMAGE_SUFFIX.length()));
                } else if (file.endsWith(LAYOUT_SUFFIX)) {
                    layouts.add(file.substring(0, file.length() - LAYOUT_SUFFIX.length()));
                }
            });
        } catch (IOException e) {
            throw new InvalidDatasetException(folder, "cannot be listed: " + e);
        }
        for (String name : new TreeSet<>(images)) {
            if (!layouts.contains(name)) {
                throw new InvalidDatasetException(folder, name, folder.resolve(name + IMAGE_SUFFIX), "has no layout"
                        + " file; expected " + name + LAYOUT_SUFFIX + " beside it", null);
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (String name : layouts) {
            Entry entry = entry(folder, name);
            if (!images.contains(name)) {
                throw new InvalidDatasetException(folder, name, entry.imageFile(), "is missing; expected the image of "
                        + entry.layoutFile().getFileName(), null);
            }
            entries.add(entry);
        }
        return entries;
    }

    private static Entry entry(Path folder, String name) {
        return new Entry(folder, name, folder.resolve(name + IMAGE_SUFFIX), folder.resolve(name + LAYOUT_SUFFIX));
    }

    private static void checkName(Path folder, String name) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")
                || !name.equals(name.strip())) {
            throw new InvalidDatasetException(folder, "entry name '" + name + "' is not a plain file name; expected"
                    + " e.g. 000012");
        }
    }

    /** One image and its layout: both files exist (checked when the dataset was opened), nothing is read yet. */
    public record Entry(Path folder, String name, Path imageFile, Path layoutFile) {

        public Entry {
            Objects.requireNonNull(folder, "folder");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(imageFile, "imageFile");
            Objects.requireNonNull(layoutFile, "layoutFile");
        }

        /**
         * The layout, checked: valid Tessera JSON with width and height, a caption, every box inside the image
         * (boxes are not clipped here).
         */
        public Layout layout() {
            String text;
            try {
                text = Files.readString(layoutFile, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw error(layoutFile, "is missing; expected the entry's layout JSON", e);
            } catch (IOException e) {
                throw error(layoutFile, "cannot be read: " + e, e);
            }
            Layout layout;
            try {
                layout = JsonLayoutFormat.read(text, false);
            } catch (InvalidLayoutException e) {
                throw error(layoutFile, e.getMessage(), e);
            }
            if (layout.width().isEmpty()) {
                throw error(layoutFile, "has no width and height; expected the image's size in pixels", null);
            }
            if (layout.caption().isEmpty()) {
                throw error(layoutFile, "has an empty caption; expected the image's caption", null);
            }
            return layout;
        }

        /** The image decoded as {@link BufferedImage#TYPE_INT_RGB} (alpha, if any, is dropped). */
        public BufferedImage image() {
            BufferedImage read;
            try {
                read = ImageIO.read(imageFile.toFile());
            } catch (IOException e) {
                throw error(imageFile, Files.exists(imageFile) ? "cannot be decoded: " + e.getMessage()
                        : "is missing; expected the entry's image", e);
            }
            if (read == null) {
                throw error(imageFile, Files.exists(imageFile) ? "is not an image ImageIO can read; expected a PNG"
                        : "is missing; expected the entry's image", null);
            }
            if (read.getType() == BufferedImage.TYPE_INT_RGB) return read;
            BufferedImage rgb = new BufferedImage(read.getWidth(), read.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = rgb.createGraphics();
            try {
                g.drawImage(read, 0, 0, null);
            } finally {
                g.dispose();
            }
            return rgb;
        }

        /** The image and its layout, checked against each other: the image's size must be the layout's. */
        public Sample read() {
            Layout layout = layout();
            BufferedImage image = image();
            int w = layout.width().getAsInt();
            int h = layout.height().getAsInt();
            if (image.getWidth() != w || image.getHeight() != h) {
                throw error(imageFile, "is " + image.getWidth() + "x" + image.getHeight() + " but "
                        + layoutFile.getFileName() + " says " + w + "x" + h + "; expected the same size", null);
            }
            return new Sample(this, image, layout);
        }

        private InvalidDatasetException error(Path file, String detail, Throwable cause) {
            return new InvalidDatasetException(folder, name, file, detail, cause);
        }
    }

    /** An entry read and checked. */
    public record Sample(Entry entry, BufferedImage image, Layout layout) {}
}
