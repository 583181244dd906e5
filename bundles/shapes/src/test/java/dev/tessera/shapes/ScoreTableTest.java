package dev.tessera.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScoreTableTest {

    private static final MigTarget T = new MigTarget(PaletteColour.RED, ShapeKind.SQUARE, new PixelBox(0, 0, 4, 4));

    /** An image of instances with these IoUs; an IoU of at least 0.5 is a success. */
    private static MigScore.ImageResult image(double... ious) {
        List<MigScore.InstanceResult> r = new ArrayList<>();
        for (double iou : ious) r.add(new MigScore.InstanceResult(T, iou >= 0.5, iou));
        return new MigScore.ImageResult(r);
    }

    /**
     * Method a: L2 images (1, 1) ok and (1, 0) failing; one L3 image (0.5, 0.5, 0.5) ok. Method b: one L2 image
     * (0.25, 0.75).
     */
    private static ScoreTable table() {
        return new ScoreTable()
                .add("a", image(1, 1)).add("a", image(1, 0)).add("a", image(0.5, 0.5, 0.5))
                .add("b", image(0.25, 0.75));
    }

    @Test
    void figuresPerLevelAndOverall() {
        ScoreTable t = table();
        assertEquals(List.of("a", "b"), t.methods());
        ScoreTable.Metrics l2 = t.levels("a").get(2);
        assertEquals(new ScoreTable.Metrics(0.5, 0.75, 0.75, 2, 4), l2);
        assertEquals(new ScoreTable.Metrics(1, 1, 0.5, 1, 3), t.levels("a").get(3));
        // Overall: 2 of 3 images; 6 of 7 instances; IoUs sum to 4.5 over 7.
        ScoreTable.Metrics all = t.overall("a");
        assertEquals(2 / 3.0, all.sr(), 1e-15);
        assertEquals(6 / 7.0, all.isr(), 1e-15);
        assertEquals(4.5 / 7, all.miou(), 1e-15);
        assertEquals(3, all.images());
        assertEquals(new ScoreTable.Metrics(0, 0.5, 0.5, 1, 2), t.overall("b"));
        assertEquals(Set.of(2), t.levels("b").keySet());
    }

    @Test
    void jsonHasExactlyTheAgreedShape() {
        JsonObject root = JsonParser.parseString(ScoreTableJson.write(table())).getAsJsonObject();
        assertEquals(Set.of("methods"), root.keySet());
        JsonObject methods = root.getAsJsonObject("methods");
        assertEquals(List.of("a", "b"), List.copyOf(methods.keySet()));
        JsonObject a = methods.getAsJsonObject("a");
        assertEquals(Set.of("levels", "overall"), a.keySet());
        assertEquals(List.of("2", "3"), List.copyOf(a.getAsJsonObject("levels").keySet()));
        JsonObject l2 = a.getAsJsonObject("levels").getAsJsonObject("2");
        assertEquals(Set.of("sr", "isr", "miou", "images"), l2.keySet());
        assertEquals(0.5, l2.get("sr").getAsDouble());
        assertEquals(0.75, l2.get("isr").getAsDouble());
        assertEquals(0.75, l2.get("miou").getAsDouble());
        assertEquals(2, l2.get("images").getAsInt());
        JsonObject overall = a.getAsJsonObject("overall");
        assertEquals(Set.of("sr", "isr", "miou", "images"), overall.keySet());
        assertEquals(3, overall.get("images").getAsInt());
        assertEquals(6 / 7.0, overall.get("isr").getAsDouble(), 1e-15);
    }

    @Test
    void textTableHasARowPerMethodAndAColumnPerLevel() {
        String text = table().format();
        assertTrue(text.contains("SR          L2      L3     all"), text);
        assertTrue(text.contains("a        0.500   1.000   0.667"), text);
        assertTrue(text.contains("b        0.000       -   0.000"), text);
        assertTrue(text.contains("images      L2      L3     all"), text);
        assertTrue(text.contains("a            2       1       3"), text);
    }
}
