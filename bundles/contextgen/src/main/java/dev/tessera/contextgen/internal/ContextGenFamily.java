package dev.tessera.contextgen.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.PackContext;
import dev.tessera.contextgen.ContextGenMask;
import dev.tessera.contextgen.ContextGenSequence;
import dev.tessera.contextgen.ReferenceForeground;
import dev.tessera.contextgen.ReferenceSlot;
import dev.tessera.contextgen.TokenBox;
import dev.tessera.contextgen.TokenGrid;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * The pack's {@code contextgen/cases}: from the user-level layout in each case's metadata (canvas size, text token
 * count, pixel boxes, reference sizes) and its {@code ref<j>_alpha} tensors, builds the sequence with this bundle's
 * code and compares, exactly, {@code cla_mask}, {@code ica_mask}, {@code position_ids} and {@code ref_token_masks},
 * and the metadata's {@code token_sizes_wh} and {@code bbox_token_xyxy} (whose first box is the whole image).
 */
@Component(service = ConformanceFamily.class)
public final class ContextGenFamily implements ConformanceFamily {

    @Override
    public String name() {
        return "contextgen";
    }

    @Override
    public boolean handles(Path caseFile) {
        return caseFile.getFileName().toString().endsWith(".safetensors");
    }

    @Override
    public CaseOutcome run(PackContext context, Path caseFile) {
        NDManager manager = context.manager();
        try (SafetensorsFile file = SafetensorsFile.open(caseFile)) {
            Map<String, String> meta = file.metadata();
            int width = intMeta(meta, "width");
            int height = intMeta(meta, "height");
            int text = intMeta(meta, "text_tokens");
            TokenGrid canvas = TokenGrid.ofPixels("output", width, height);
            JsonArray instances = json(meta, "instances").getAsJsonArray();
            List<ReferenceSlot> slots = new ArrayList<>();
            for (int j = 0; j < instances.size(); j++) {
                JsonObject inst = instances.get(j).getAsJsonObject();
                JsonArray b = inst.getAsJsonArray("bbox_pixels_xyxy");
                TokenBox box = TokenBox.fromPixels("instance " + j, b.get(0).getAsDouble(), b.get(1).getAsDouble(),
                        b.get(2).getAsDouble(), b.get(3).getAsDouble(), canvas);
                int rw = inst.get("ref_width").getAsInt();
                int rh = inst.get("ref_height").getAsInt();
                TokenGrid grid = TokenGrid.ofPixels("reference " + j, rw, rh);
                String alphaName = "ref" + j + "_alpha";
                if (!file.contains(alphaName)) {
                    throw new IllegalArgumentException(caseFile + " has no tensor '" + alphaName + "'");
                }
                int[] alpha;
                try (NDArray a = file.load(alphaName, manager); NDArray i32 = a.toType(DataType.INT32, false)) {
                    if (!a.getShape().equals(new Shape(rh, rw))) {
                        throw new IllegalArgumentException("tensor '" + alphaName + "' has shape " + a.getShape()
                                + "; the metadata says the reference is " + rw + "x" + rh);
                    }
                    alpha = i32.toIntArray();
                }
                slots.add(new ReferenceSlot(box, grid, ReferenceForeground.tokenMask(alpha, rw, rh, grid)));
            }
            ContextGenSequence seq = ContextGenSequence.of(text, canvas, slots);
            List<Comparison> out = new ArrayList<>();
            for (ContextGenMask mode : ContextGenMask.values()) {
                String name = mode.name().toLowerCase(java.util.Locale.ROOT) + "_mask";
                out.add(Comparison.exact(name, seq.mask(mode, manager), file.load(name, manager)));
            }
            out.add(Comparison.exact("position_ids", seq.positionIds(manager, DataType.FLOAT32),
                    file.load("position_ids", manager)));
            boolean[] fg = seq.referenceTokenMasks();
            out.add(Comparison.exact("ref_token_masks", manager.create(fg, new Shape(fg.length)),
                    file.load("ref_token_masks", manager)));
            out.add(Comparison.exact("token_sizes_wh", ints(manager, tokenSizes(seq)),
                    ints(manager, json(meta, "token_sizes_wh"))));
            out.add(Comparison.exact("bbox_token_xyxy", ints(manager, tokenBoxes(seq)),
                    ints(manager, json(meta, "bbox_token_xyxy"))));
            return CaseOutcome.of(out).withNote(seq.toString());
        }
    }

    private static int[][] tokenSizes(ContextGenSequence seq) {
        int n = seq.references().size();
        int[][] s = new int[2 + n][];
        s[0] = new int[] {seq.mainGrid().width(), seq.mainGrid().height()};
        s[1] = s[0];
        for (int j = 0; j < n; j++) {
            TokenGrid g = seq.references().get(j).grid();
            s[2 + j] = new int[] {g.width(), g.height()};
        }
        return s;
    }

    private static int[][] tokenBoxes(ContextGenSequence seq) {
        int n = seq.references().size();
        int[][] s = new int[1 + n][];
        s[0] = new int[] {0, 0, seq.mainGrid().width(), seq.mainGrid().height()};
        for (int j = 0; j < n; j++) {
            TokenBox b = seq.references().get(j).box();
            s[1 + j] = new int[] {b.x1(), b.y1(), b.x2(), b.y2()};
        }
        return s;
    }

    private static NDArray ints(NDManager manager, int[][] rows) {
        int cols = rows[0].length;
        int[] flat = new int[rows.length * cols];
        for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 0, flat, r * cols, cols);
        return manager.create(flat, new Shape(rows.length, cols));
    }

    private static NDArray ints(NDManager manager, JsonElement rows) {
        JsonArray a = rows.getAsJsonArray();
        int[][] out = new int[a.size()][];
        for (int r = 0; r < a.size(); r++) {
            JsonArray row = a.get(r).getAsJsonArray();
            out[r] = new int[row.size()];
            for (int c = 0; c < row.size(); c++) out[r][c] = row.get(c).getAsInt();
        }
        return ints(manager, out);
    }

    private static int intMeta(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) throw new IllegalArgumentException("metadata has no '" + key + "'");
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata '" + key + "' is '" + v + "'; expected an integer", e);
        }
    }

    private static JsonElement json(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) throw new IllegalArgumentException("metadata has no '" + key + "'");
        try {
            return JsonParser.parseString(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("metadata '" + key + "' is not JSON: " + e.getMessage(), e);
        }
    }
}
