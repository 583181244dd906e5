package dev.tessera.training;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The loss of every step as CSV ({@code step,loss,learning_rate}), and a loss-curve PNG. Opening it for a run
 * resumed at step {@code k} drops the rows after {@code k} (steps an interrupted run took after its last
 * checkpoint, which the resumed run takes again), so the file always describes one uninterrupted run.
 */
public final class LossLog implements AutoCloseable {

    private static final String HEADER = "step,loss,learning_rate";

    private final Path file;
    private final BufferedWriter writer;

    private LossLog(Path file, BufferedWriter writer) {
        this.file = file;
        this.writer = writer;
    }

    /** Opens {@code file} for appending after step {@code resumedAt}. */
    public static LossLog open(Path file, long resumedAt) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            List<String> kept = new ArrayList<>();
            kept.add(HEADER);
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank() || line.equals(HEADER)) {
                        continue;
                    }
                    long step = Long.parseLong(line.substring(0, line.indexOf(',')));
                    if (step <= resumedAt) {
                        kept.add(line);
                    }
                }
            }
            Files.write(file, kept, StandardCharsets.UTF_8);
            return new LossLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
        } catch (IOException | RuntimeException e) {
            throw new TrainingException(file + ": cannot open the loss log: " + e.getMessage(), e);
        }
    }

    /** Appends the loss of step {@code step} (1-based: the number of steps taken). */
    public void append(long step, float loss, double learningRate) {
        try {
            writer.write(step + "," + loss + "," + String.format(Locale.ROOT, "%.6g", learningRate));
            writer.newLine();
            if (step % 50 == 0) {
                writer.flush();
            }
        } catch (IOException e) {
            throw new TrainingException(file + ": cannot write the loss log: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new TrainingException(file + ": cannot close the loss log: " + e.getMessage(), e);
        }
    }

    /** Draws the curve of {@code csv}: the loss per step (light) and its running mean over 1% of the run (dark). */
    public static void plot(Path csv, Path png, String title) {
        List<float[]> rows = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.equals(HEADER)) {
                    continue;
                }
                String[] parts = line.split(",");
                rows.add(new float[] {Float.parseFloat(parts[0]), Float.parseFloat(parts[1])});
            }
        } catch (IOException | RuntimeException e) {
            throw new TrainingException(csv + ": cannot read the loss log: " + e.getMessage(), e);
        }
        int width = 800;
        int height = 400;
        int left = 70;
        int bottom = 40;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(title + ": loss per step (log scale), " + rows.size() + " steps", left, 20);
        g.drawLine(left, height - bottom, width - 10, height - bottom);
        g.drawLine(left, 30, left, height - bottom);
        if (!rows.isEmpty()) {
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (float[] r : rows) {
                if (r[1] > 0) {
                    min = Math.min(min, Math.log10(r[1]));
                    max = Math.max(max, Math.log10(r[1]));
                }
            }
            if (max <= min) {
                max = min + 1;
            }
            double lastStep = rows.get(rows.size() - 1)[0];
            int window = Math.max(1, rows.size() / 100);
            double[] smooth = new double[rows.size()];
            double sum = 0;
            for (int i = 0; i < rows.size(); i++) {
                sum += rows.get(i)[1];
                if (i >= window) {
                    sum -= rows.get(i - window)[1];
                }
                smooth[i] = sum / Math.min(i + 1, window);
            }
            for (int pass = 0; pass < 2; pass++) {
                g.setColor(pass == 0 ? new Color(170, 190, 230) : new Color(20, 50, 140));
                g.setStroke(new BasicStroke(pass == 0 ? 1f : 2f));
                int px = -1;
                int py = -1;
                for (int i = 0; i < rows.size(); i++) {
                    double value = pass == 0 ? rows.get(i)[1] : smooth[i];
                    if (value <= 0) {
                        continue;
                    }
                    int x = left + (int) Math.round((width - left - 10) * rows.get(i)[0] / Math.max(1, lastStep));
                    int y = (height - bottom) - (int) Math.round((height - bottom - 30) * (Math.log10(value) - min)
                            / (max - min));
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    px = x;
                    py = y;
                }
            }
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.3g", Math.pow(10, max)), 5, 35);
            g.drawString(String.format(Locale.ROOT, "%.3g", Math.pow(10, min)), 5, height - bottom);
            g.drawString("0", left, height - bottom + 15);
            g.drawString(Long.toString((long) lastStep), width - 60, height - bottom + 15);
        }
        g.dispose();
        try {
            ImageIO.write(image, "png", png.toFile());
        } catch (IOException e) {
            throw new TrainingException(png + ": cannot write the loss curve: " + e.getMessage(), e);
        }
    }

    /** Draws this log's curve to {@code png}. */
    public void plot(Path png, String title) {
        plot(file, png, title);
    }
}
