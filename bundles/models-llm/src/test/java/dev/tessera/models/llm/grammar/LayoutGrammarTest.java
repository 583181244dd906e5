package dev.tessera.models.llm.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.layout.Coordinates;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.layout.PaperFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayoutGrammarTest {

    static LayoutGrammar.State run(LayoutGrammar grammar, String text) {
        LayoutGrammar.State s = grammar.start();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (s == null) {
                return null;
            }
            s = grammar.next(s, b);
        }
        return s;
    }

    @Test
    void acceptsThePapersLayout() {
        LayoutGrammar grammar = new LayoutGrammar(3);
        String text = "<layout><scap>a red apple</scap><bbox>(0.1, 0.25, 0.5, 0.75)</bbox>"
                + "<scap>a bowl</scap><bbox>(0, 0.5, 1, 1.0)</bbox></layout>";
        LayoutGrammar.State s = run(grammar, text);
        assertNotNull(s);
        assertTrue(grammar.accepts(s));
    }

    @Test
    void refusesWhatWouldNotParseOrBreaksTheBounds() {
        LayoutGrammar grammar = new LayoutGrammar(1);
        String box = "<layout><scap>x</scap><bbox>(";
        assertNull(run(grammar, box + "0.5, 0.1, 0.5,"), "x2 must exceed x1");
        assertNull(run(grammar, box + "0.5, 0.1, 0.4"), "no completion of 0.4 exceeds 0.5");
        assertNotNull(run(grammar, box + "0.5, 0.1, 0.5"), "0.5 can still become 0.51");
        assertNull(run(grammar, box + "1,"), "x1 = 1 leaves no room for x2");
        assertNull(run(grammar, box + "0.999, 0, 0.99"), "nothing in 0.99x exceeds 0.999");
        assertNull(run(grammar, box + "0.,"), "0. is not a number");
        assertNull(run(grammar, box + "0.1234"), "at most three decimals");
        assertNull(run(grammar, box + "1.5"));
        assertNull(run(grammar, "<layout><scap></scap>"), "an empty phrase");
        assertNull(run(grammar, "<layout><scap>a>b"), "> inside a phrase");
        String one = "<layout><scap>x</scap><bbox>(0, 0, 1, 1)</bbox>";
        assertNull(run(grammar, one + "<s"), "a second instance beyond the maximum");
        assertTrue(grammar.accepts(run(grammar, one + "</layout>")));
        assertFalse(grammar.accepts(run(new LayoutGrammar(2), one + "<scap>")));
    }

    /** Any path the automaton allows ends in a layout that the paper-format reader accepts, with valid boxes. */
    @Test
    void everyRandomWalkEndsInAParsableLayout() {
        Random random = new Random(7);
        for (int walk = 0; walk < 300; walk++) {
            LayoutGrammar grammar = new LayoutGrammar(1 + walk % 4);
            LayoutGrammar.State s = grammar.start();
            StringBuilder text = new StringBuilder();
            int steps = 0;
            while (!grammar.accepts(s)) {
                List<Integer> allowed = new ArrayList<>();
                for (int b = 0x20; b < 0x7F; b++) {
                    if (grammar.next(s, b) != null) {
                        allowed.add(b);
                    }
                }
                assertFalse(allowed.isEmpty(), "dead end after '" + text + "'");
                // Prefer leaving the phrase now and then so that walks stay short.
                int b = allowed.contains((int) '<') && random.nextInt(6) == 0 ? '<'
                        : allowed.get(random.nextInt(allowed.size()));
                s = grammar.next(s, b);
                text.append((char) b);
                assertTrue(++steps < 2000);
            }
            Layout layout = PaperFormat.read(text.toString(), Coordinates.normalized());
            assertTrue(layout.size() >= 1 && layout.size() <= grammar.maxInstances(), text.toString());
            for (Instance instance : layout.instances()) {
                assertTrue(instance.box().x1() < instance.box().x2() && instance.box().y1() < instance.box().y2(),
                        text.toString());
            }
        }
        assertEquals(3, new LayoutGrammar(3).maxInstances());
    }
}
