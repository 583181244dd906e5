package dev.tessera.layout.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tessera.layout.Box;
import dev.tessera.layout.CoordinateConvention;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.layout.LayoutParseException;
import dev.tessera.layout.LayoutSource;
import dev.tessera.layout.ParseRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prompts with the phrases a reader expects and spatial facts written by hand:
 * {@code "a < b"} a's box centre is left of b's, {@code "a ^ b"} a's centre is above b's, {@code "a ~ b"} the boxes
 * may overlap (any overlap not listed is a failure), {@code "a ⊂ b"} a lies inside b, {@code "a = b"} same row
 * (centres level). Names are words of the phrases; {@code cat#2} is the second instance whose phrase holds "cat".
 */
class RuleBasedLayoutParserTest {

    private final RuleBasedLayoutParser parser = new RuleBasedLayoutParser();

    static Stream<Arguments> prompts() {
        return Stream.of(
                spec("a red apple left of a blue cup, and a green vase behind them",
                        List.of("a red apple", "a blue cup", "a green vase"),
                        "apple < cup", "apple = cup", "vase ^ apple", "vase ^ cup", "vase ~ apple", "vase ~ cup"),
                spec("a cat above a dog", List.of("a cat", "a dog"), "cat ^ dog"),
                spec("a dog below a cat", List.of("a dog", "a cat"), "cat ^ dog"),
                spec("a cup to the right of a plate", List.of("a cup", "a plate"), "plate < cup", "plate = cup"),
                spec("a lamp on the left side of a sofa", List.of("a lamp", "a sofa"), "lamp < sofa"),
                spec("a cat between a dog and a bird", List.of("a cat", "a dog", "a bird"), "dog < cat", "cat < bird"),
                spec("a teddy bear between two pillows", List.of("a teddy bear", "a pillow", "a pillow"),
                        "pillow#1 < bear", "bear < pillow#2"),
                spec("two cats", List.of("a cat", "a cat")),
                spec("three red apples and a banana", List.of("a red apple", "a red apple", "a red apple", "a banana")),
                spec("a dog on the left and a cat on the right", List.of("a dog", "a cat"), "dog < cat"),
                spec("on the right, a tall tree; on the left, a small house",
                        List.of("a tall tree", "a small house"), "house < tree"),
                spec("a lamp in the top right corner, a sofa at the bottom", List.of("a lamp", "a sofa"),
                        "sofa < lamp", "lamp ^ sofa"),
                spec("a bird at the top, a dog, a cat and a fish", List.of("a bird", "a dog", "a cat", "a fish"),
                        "bird ^ dog", "bird ^ cat", "bird ^ fish"),
                spec("a cat on a table", List.of("a cat", "a table"), "cat ^ table", "cat ~ table"),
                spec("a vase in front of a mirror", List.of("a vase", "a mirror"), "mirror ^ vase", "vase ~ mirror"),
                spec("a cup inside a box", List.of("a cup", "a box"), "cup ⊂ box", "cup ~ box"),
                spec("a man riding a horse", List.of("a man", "a horse"), "man ^ horse", "man ~ horse"),
                spec("a photo of a black airplane and a black airplane",
                        List.of("a black airplane", "a black airplane")),
                spec("masterpiece, best quality, black colored ball, gray colored cat, white colored bed",
                        List.of("black colored ball", "gray colored cat", "white colored bed")),
                spec("a woman in a red dress next to a man in a suit",
                        List.of("a woman in a red dress", "a man in a suit"), "woman < man", "woman = man"),
                spec("a black and white cat sitting on a wooden chair in a living room",
                        List.of("a black and white cat", "a wooden chair"), "cat ^ chair", "cat ~ chair"),
                spec("A red apple and a blue cup. The apple is to the right of the cup.",
                        List.of("A red apple", "a blue cup"), "cup < apple"),
                spec("a cat and a dog, with a bird above them", List.of("a cat", "a dog", "a bird"),
                        "bird ^ cat", "bird ^ dog"),
                spec("next to the tree sits a dog", List.of("the tree", "a dog"), "tree < dog"),
                spec("a girl holding an umbrella, a boy on her left", List.of("a girl holding an umbrella", "a boy"),
                        "boy < girl"),
                spec("a bird in the sky above a house", List.of("a bird", "a house"), "bird ^ house"),
                spec("a book on a shelf above a desk, and a lamp on the desk",
                        List.of("a book", "a shelf", "a desk", "a lamp"), "book ^ shelf", "shelf ^ desk", "lamp ^ desk",
                        "book ~ shelf", "lamp ~ desk"),
                spec("a man and a woman sitting on a bench, a dog in front of them",
                        List.of("a man", "a woman", "a bench", "a dog"), "man < woman", "man ^ bench", "bench ^ dog",
                        "man ~ bench", "woman ~ bench", "dog ~ bench"),
                spec("a cat above a dog, a dog above a bird, a bird above a fish",
                        List.of("a cat", "a dog", "a dog", "a bird", "a bird", "a fish"),
                        "cat ^ dog#1", "dog#2 ^ bird#1", "bird#2 ^ fish"),
                spec("a big, fluffy dog in the center", List.of("a big, fluffy dog")),
                spec("four people standing in a row", List.of("a person", "a person", "a person", "a person")),
                spec("a cat in a box, a dog next to it", List.of("a cat", "a box", "a dog"), "cat ⊂ box",
                        "cat ~ box", "box < dog"),
                spec("a red car to the left of a blue truck to the left of a green bus",
                        List.of("a red car", "a blue truck", "a green bus"), "car < truck", "truck < bus"),
                spec("an apple on the left of the image", List.of("an apple")),
                spec("3 oranges, 2 bananas and an apple in a bowl", List.of("an orange", "an orange", "an orange",
                        "a banana", "a banana", "an apple", "a bowl"), "banana#1 ⊂ bowl", "apple ⊂ bowl",
                        "banana#1 ~ bowl", "banana#2 ~ bowl", "apple ~ bowl"));
    }

    private static Arguments spec(String prompt, List<String> phrases, String... facts) {
        return Arguments.of(prompt, phrases, List.of(facts));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("prompts")
    void phrasesAndSpatialFactsHold(String prompt, List<String> phrases, List<String> facts) {
        for (int[] size : new int[][] {{512, 512}, {768, 512}, {512, 768}}) {
            Layout layout = parser.parse(new ParseRequest(prompt, size[0], size[1]));
            List<String> got = layout.instances().stream().map(Instance::phrase).toList();
            assertEquals(phrases, got, "phrases of '" + prompt + "'");
            assertEquals(prompt, layout.caption());
            Set<String> mayOverlap = new HashSet<>();
            for (String fact : facts) {
                String[] p = fact.split(" ");
                Box a = find(layout, p[0]), b = find(layout, p[2]);
                String where = "'" + prompt + "' at " + size[0] + "x" + size[1] + ": " + fact + " with " + a + " " + b;
                switch (p[1]) {
                    case "<" -> assertTrue(a.centerX() < b.centerX(), where);
                    case "^" -> assertTrue(a.centerY() < b.centerY(), where);
                    case "=" -> assertEquals(a.centerY(), b.centerY(), 1e-9, where);
                    case "⊂" -> assertTrue(a.x1() >= b.x1() && a.y1() >= b.y1() && a.x2() <= b.x2() && a.y2() <= b.y2(),
                            where);
                    case "~" -> {
                        mayOverlap.add(index(layout, p[0]) + "/" + index(layout, p[2]));
                        mayOverlap.add(index(layout, p[2]) + "/" + index(layout, p[0]));
                    }
                    default -> fail("bad fact " + fact);
                }
            }
            for (int i = 0; i < layout.size(); i++) {
                Box a = layout.instance(i).box();
                assertTrue(a.x1() >= 0 && a.y1() >= 0 && a.x2() <= 1 && a.y2() <= 1, "inside the canvas: " + a);
                assertTrue(a.area() > 0.001, "a sensible size: " + a);
                for (int j = i + 1; j < layout.size(); j++) {
                    if (layout.instance(i).box().overlaps(layout.instance(j).box())) {
                        assertTrue(mayOverlap.contains(i + "/" + j), "'" + prompt + "': " + got.get(i) + " "
                                + a + " overlaps " + got.get(j) + " " + layout.instance(j).box());
                    }
                }
            }
        }
    }

    @Test
    void sameInputSameLayout() {
        prompts().forEach(args -> {
            String prompt = (String) args.get()[0];
            ParseRequest request = new ParseRequest(prompt, 640, 480);
            assertEquals(parser.parse(request), new RuleBasedLayoutParser().parse(request), prompt);
        });
    }

    @Test
    void layoutSaysWhereItCameFrom() {
        Layout l = parser.parse(new ParseRequest("a cat", 768, 512));
        assertEquals(new LayoutSource("rule-based", CoordinateConvention.NORMALIZED), l.source());
        assertEquals(OptionalInt.of(768), l.width());
        assertEquals("rule-based", parser.id());
        assertFalse(parser.displayName().isBlank());
    }

    @Test
    void aSingleInstanceIsLargeAndCentred() {
        Box b = parser.parse(ParseRequest.of("a golden retriever")).instance(0).box();
        assertEquals(0.5, b.centerX(), 1e-9);
        assertEquals(0.5, b.centerY(), 1e-9);
        assertTrue(b.width() >= 0.7 && b.height() >= 0.7, b.toString());
    }

    @Test
    void placeWordsPlaceASingleInstance() {
        Box left = parser.parse(ParseRequest.of("a cat on the left")).instance(0).box();
        assertTrue(left.centerX() < 0.5, left.toString());
        Box top = parser.parse(ParseRequest.of("a kite at the top")).instance(0).box();
        assertTrue(top.centerY() < 0.5, top.toString());
        Box bottomRight = parser.parse(ParseRequest.of("a dog in the bottom right corner")).instance(0).box();
        assertTrue(bottomRight.centerX() > 0.5 && bottomRight.centerY() > 0.5, bottomRight.toString());
        Layout centre = parser.parse(ParseRequest.of("a cat on the left, a vase in the center, a dog"));
        assertEquals(0.5, centre.instance(1).box().centerX(), 1e-9);
    }

    @Test
    void countsMakeThatManyInstancesWithSingularPhrases() {
        Layout l = parser.parse(ParseRequest.of("fifty apples"));
        assertEquals(50, l.size());
        assertTrue(l.instances().stream().allMatch(i -> i.phrase().equals("an apple")));
        assertNoOverlap(l);
        Layout mixed = parser.parse(ParseRequest.of("two puppies, a couple of mice and 3 knives"));
        assertEquals(List.of("a puppy", "a puppy", "a mouse", "a mouse", "a knife", "a knife", "a knife"),
                mixed.instances().stream().map(Instance::phrase).toList());
    }

    @Test
    void manyInstancesWithRelationsStayOrderedAndApart() {
        Layout l = parser.parse(ParseRequest.of("twenty cats to the left of a dog, and a bird above the dog"));
        assertEquals(22, l.size());
        Box dog = l.instance(20).box();
        for (int i = 0; i < 20; i++) assertTrue(l.instance(i).box().centerX() < dog.centerX());
        assertTrue(l.instance(21).box().centerY() < dog.centerY());
        assertNoOverlap(l);
    }

    @Test
    void contradictionsKeepTheFirstRelation() {
        Layout l = parser.parse(ParseRequest.of("a cat left of a dog. The dog is left of the cat."));
        assertEquals(2, l.size());
        assertTrue(l.instance(0).box().centerX() < l.instance(1).box().centerX());
    }

    @Test
    void promptsWithNothingToPlaceAreErrors() {
        LayoutParseException blank = assertThrows(LayoutParseException.class, () -> parser.parse(ParseRequest.of("  ")));
        assertEquals("rule-based", blank.format());
        LayoutParseException style = assertThrows(LayoutParseException.class,
                () -> parser.parse(ParseRequest.of("best quality, 8k, highly detailed")));
        assertTrue(style.getMessage().contains("found nothing to lay out"), style.getMessage());
        LayoutParseException huge = assertThrows(LayoutParseException.class,
                () -> parser.parse(ParseRequest.of("a cat and 5000 dogs")));
        assertTrue(huge.getMessage().contains("character 11") && huge.getMessage().contains("5000"),
                huge.getMessage());
    }

    private static void assertNoOverlap(Layout l) {
        for (int i = 0; i < l.size(); i++) {
            for (int j = i + 1; j < l.size(); j++) {
                assertFalse(l.instance(i).box().overlaps(l.instance(j).box()), i + " overlaps " + j);
            }
        }
    }

    private static Box find(Layout layout, String name) {
        return layout.instance(index(layout, name)).box();
    }

    private static int index(Layout layout, String name) {
        String[] parts = name.split("#");
        int nth = parts.length > 1 ? Integer.parseInt(parts[1]) : 1;
        List<Integer> hits = new ArrayList<>();
        for (int i = 0; i < layout.size(); i++) {
            if (List.of(layout.instance(i).phrase().toLowerCase().split("[ ,]+")).contains(parts[0])) hits.add(i);
        }
        if (hits.size() < nth) fail("no instance '" + name + "' in " + layout);
        if (parts.length == 1 && hits.size() > 1) fail("'" + name + "' is ambiguous in " + layout);
        return hits.get(nth - 1);
    }
}
