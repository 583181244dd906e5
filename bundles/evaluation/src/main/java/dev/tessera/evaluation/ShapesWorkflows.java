package dev.tessera.evaluation;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.tessera.layout.BoxMasks;
import dev.tessera.layout.Coordinates;
import dev.tessera.layout.Instance;
import dev.tessera.layout.JsonLayoutFormat;
import dev.tessera.layout.Layout;
import java.util.function.Consumer;

/**
 * A layout and a method as a workflow in ComfyUI's API format, built from the product's nodes as a user would wire
 * them: {@code CheckpointLoaderSimple}, {@code CLIPTextEncode} (the negative prompt is empty), {@code
 * EmptyLatentImage}, {@code KSampler}, {@code VAEDecode}, and a {@code PreviewImage}, the only output node, that
 * puts the image into the temp folder. The positive prompt per method:
 * <ul>
 * <li>plain: {@code CLIPTextEncode} of the caption;</li>
 * <li>area: that, and per instance {@code CLIPTextEncode} of its phrase, {@code ConditioningSetAreaPercentage} over
 * its box snapped outward to the latent grid (strength 1), joined by a chain of {@code ConditioningCombine};</li>
 * <li>miglora: {@code LayoutFromJSON} (the layout as Tessera JSON in pixels), {@code MIGEncode}, and the model
 * through {@code MIGLoRALoader} (strength 1) and {@code MIGApply} with the method's fusion and beta.</li>
 * </ul>
 * The area method uses the percentage node because ComfyUI's ConditioningSetArea takes sides of at least 64
 * pixels, larger than the shapes world's boxes; on the 8-pixel grid both give the same latent cells.
 */
public final class ShapesWorkflows {

    /** Pixels per latent cell of SD1.x. */
    public static final int LATENT_CELL = 8;
    /** The negative prompt of every method: none (the shapes model's unconditional caption is empty). */
    public static final String NEGATIVE = "";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private ShapesWorkflows() {
    }

    /** A pixel rectangle {@code [x0, x1) x [y0, y1)}. */
    public record Rect(int x0, int y0, int x1, int y1) {
        public int width() {
            return x1 - x0;
        }

        public int height() {
            return y1 - y0;
        }
    }

    /**
     * The pixels an instance's box covers ({@link BoxMasks#pixelRect}, as the scoring reads the box), widened to
     * whole latent cells: left and top edges down, right and bottom edges up to a multiple of {@link #LATENT_CELL}.
     */
    public static Rect areaRect(Instance instance, int width, int height) {
        BoxMasks.PixelRect r = BoxMasks.pixelRect(instance.box(), width, height);
        return new Rect(Math.floorDiv(r.x0(), LATENT_CELL) * LATENT_CELL,
                Math.floorDiv(r.y0(), LATENT_CELL) * LATENT_CELL,
                Math.min(width, ceil(r.x1())), Math.min(height, ceil(r.y1())));
    }

    private static int ceil(int pixels) {
        return Math.floorDiv(pixels + LATENT_CELL - 1, LATENT_CELL) * LATENT_CELL;
    }

    /**
     * The workflow rendering {@code layout} with {@code method}.
     *
     * @param noiseSeed the KSampler's seed: the same for every method of one layout
     */
    public static String workflow(Layout layout, EvalMethod method, RenderSettings settings, long noiseSeed) {
        Graph g = new Graph();
        int size = settings.size();
        String checkpoint = g.add("CheckpointLoaderSimple", inputs -> inputs.addProperty("ckpt_name",
                settings.checkpoint()));
        String negative = g.add("CLIPTextEncode", inputs -> {
            inputs.addProperty("text", NEGATIVE);
            inputs.add("clip", link(checkpoint, 1));
        });
        String latent = g.add("EmptyLatentImage", inputs -> {
            inputs.addProperty("width", size);
            inputs.addProperty("height", size);
            inputs.addProperty("batch_size", 1);
        });
        JsonArray model = link(checkpoint, 0);
        JsonArray positive;
        switch (method.kind()) {
            case PLAIN -> positive = link(caption(g, layout, checkpoint), 0);
            case AREA -> positive = areas(g, layout, size, checkpoint);
            case MIGLORA -> {
                String layoutNode = g.add("LayoutFromJSON", inputs -> {
                    inputs.addProperty("text", JsonLayoutFormat.write(layout, Coordinates.pixels(size, size)));
                    inputs.addProperty("format", JsonLayoutFormat.ID);
                    inputs.addProperty("index", 0);
                    inputs.addProperty("width", size);
                    inputs.addProperty("height", size);
                });
                String encode = g.add("MIGEncode", inputs -> {
                    inputs.add("clip", link(checkpoint, 1));
                    inputs.add("layout", link(layoutNode, 0));
                });
                String loader = g.add("MIGLoRALoader", inputs -> {
                    inputs.add("model", link(checkpoint, 0));
                    inputs.addProperty("mask_encoder_name", settings.maskEncoder());
                    inputs.addProperty("lora_name", settings.lora());
                    inputs.addProperty("strength_model", 1.0);
                });
                String apply = g.add("MIGApply", inputs -> {
                    inputs.add("model", link(loader, 0));
                    inputs.add("conditioning", link(encode, 0));
                    inputs.addProperty("fusion", method.fusion());
                    inputs.addProperty("beta", method.beta());
                });
                model = link(apply, 0);
                positive = link(encode, 0);
            }
            default -> throw new IllegalStateException("unknown method kind " + method.kind());
        }
        JsonArray samplerModel = model;
        JsonArray samplerPositive = positive;
        String sampler = g.add("KSampler", inputs -> {
            inputs.add("model", samplerModel);
            inputs.addProperty("seed", noiseSeed);
            inputs.addProperty("steps", settings.steps());
            inputs.addProperty("cfg", settings.cfg());
            inputs.addProperty("sampler_name", settings.sampler());
            inputs.addProperty("scheduler", settings.scheduler());
            inputs.add("positive", samplerPositive);
            inputs.add("negative", link(negative, 0));
            inputs.add("latent_image", link(latent, 0));
            inputs.addProperty("denoise", 1.0);
        });
        String decode = g.add("VAEDecode", inputs -> {
            inputs.add("samples", link(sampler, 0));
            inputs.add("vae", link(checkpoint, 2));
        });
        g.add("PreviewImage", inputs -> inputs.add("images", link(decode, 0)));
        return GSON.toJson(g.nodes);
    }

    private static String caption(Graph g, Layout layout, String checkpoint) {
        return text(g, layout.caption(), checkpoint);
    }

    private static String text(Graph g, String text, String checkpoint) {
        return g.add("CLIPTextEncode", inputs -> {
            inputs.addProperty("text", text);
            inputs.add("clip", link(checkpoint, 1));
        });
    }

    /** The caption combined with each instance's phrase on its area, in instance order. */
    private static JsonArray areas(Graph g, Layout layout, int size, String checkpoint) {
        JsonArray combined = link(caption(g, layout, checkpoint), 0);
        for (Instance instance : layout.instances()) {
            Rect r = areaRect(instance, size, size);
            String phrase = text(g, instance.phrase(), checkpoint);
            String area = g.add("ConditioningSetAreaPercentage", inputs -> {
                inputs.add("conditioning", link(phrase, 0));
                inputs.addProperty("width", (double) r.width() / size);
                inputs.addProperty("height", (double) r.height() / size);
                inputs.addProperty("x", (double) r.x0() / size);
                inputs.addProperty("y", (double) r.y0() / size);
                inputs.addProperty("strength", 1.0);
            });
            JsonArray previous = combined;
            combined = link(g.add("ConditioningCombine", inputs -> {
                inputs.add("conditioning_1", previous);
                inputs.add("conditioning_2", link(area, 0));
            }), 0);
        }
        return combined;
    }

    private static JsonArray link(String node, int output) {
        JsonArray link = new JsonArray();
        link.add(node);
        link.add(output);
        return link;
    }

    /** Nodes numbered from 1 in the order they are added. */
    private static final class Graph {
        final JsonObject nodes = new JsonObject();

        String add(String classType, Consumer<JsonObject> fill) {
            String id = Integer.toString(nodes.size() + 1);
            JsonObject node = new JsonObject();
            node.addProperty("class_type", classType);
            JsonObject inputs = new JsonObject();
            fill.accept(inputs);
            node.add("inputs", inputs);
            nodes.add(id, node);
            return id;
        }
    }
}
