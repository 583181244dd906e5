package dev.tessera.tokenizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.tokenizers.PromptWeights.WeightedText;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ComfyUI's weighting syntax. Expected pieces and weights are worked out by hand from the rules of
 * {@code comfy/sd1_clip.py} ({@code parse_parentheses}, {@code token_weights}, {@code escape_important}); weights
 * are Python's double arithmetic (1.1 * 1.1 = 1.2100000000000002).
 */
class PromptWeightsTest {

    private static WeightedText w(String text, double weight) {
        return new WeightedText(text, weight);
    }

    @Test
    void plainTextIsOnePieceOfWeightOne() {
        assertEquals(List.of(w("a photo of a cat", 1.0)), PromptWeights.parse("a photo of a cat"));
    }

    @Test
    void theEmptyPromptHasNoPieces() {
        assertEquals(List.of(), PromptWeights.parse(""));
    }

    @Test
    void parenthesesMultiplyByOnePointOne() {
        assertEquals(List.of(w("a ", 1.0), w("red", 1.1), w(" cat", 1.0)), PromptWeights.parse("a (red) cat"));
    }

    @Test
    void nestedParenthesesMultiplyAgain() {
        assertEquals(List.of(w("red", 1.2100000000000002)), PromptWeights.parse("((red))"));
        assertEquals(List.of(w("red", 1.3310000000000004)), PromptWeights.parse("(((red)))"));
    }

    @Test
    void anExplicitWeightReplacesTheEnclosingOne() {
        assertEquals(List.of(w("red", 1.5)), PromptWeights.parse("(red:1.5)"));
        assertEquals(List.of(w("red", 1.5)), PromptWeights.parse("((red:1.5))"));
        assertEquals(List.of(w("red", 0.5), w(" and ", 1.0), w("blue", 1.2)),
                PromptWeights.parse("(red:0.5) and (blue:1.2)"));
    }

    @Test
    void groupsNestInsideWeightedGroups() {
        assertEquals(List.of(w("a ", 1.1), w("b", 1.3), w(" c", 1.1)), PromptWeights.parse("(a (b:1.3) c)"));
        assertEquals(List.of(w("x ", 0.8), w("y", 0.8800000000000001)), PromptWeights.parse("(x (y):0.8)"));
    }

    @Test
    void weightsReadAsPythonFloatDoes() {
        assertEquals(List.of(w("cat", 1.3)), PromptWeights.parse("(cat: 1.3 )"));
        assertEquals(List.of(w("cat", 0.1)), PromptWeights.parse("(cat:1e-1)"));
        assertEquals(List.of(w("cat", 0.5)), PromptWeights.parse("(cat:.5)"));
        assertEquals(List.of(w("cat", 2.0)), PromptWeights.parse("(cat:2.)"));
        assertEquals(List.of(w("cat", 10.0)), PromptWeights.parse("(cat:1_0)"));
        assertEquals(List.of(w("cat", -1.0)), PromptWeights.parse("(cat:-1)"));
    }

    @Test
    void aColonNotFollowedByANumberIsText() {
        assertEquals(List.of(w("time: 10:30 pm", 1.1)), PromptWeights.parse("(time: 10:30 pm)"));
        assertEquals(List.of(w("a:1.2.3", 1.1)), PromptWeights.parse("(a:1.2.3)"));
        assertEquals(List.of(w("cat:1__0", 1.1)), PromptWeights.parse("(cat:1__0)"));
        // A colon first in the group is not a weight separator.
        assertEquals(List.of(w(":1.5", 1.1)), PromptWeights.parse("(:1.5)"));
    }

    @Test
    void escapedParenthesesAreLiteral() {
        assertEquals(List.of(w("(not weighted)", 1.0)), PromptWeights.parse("\\(not weighted\\)"));
        assertEquals(List.of(w("smile (happy)", 1.1)), PromptWeights.parse("(smile \\(happy\\))"));
        assertEquals(List.of(w("f(x) ", 1.0), w("y", 1.2)), PromptWeights.parse("f\\(x\\) (y:1.2)"));
    }

    @Test
    void anUnclosedParenthesisStaysText() {
        assertEquals(List.of(w("a ", 1.0), w("(b c", 1.0)), PromptWeights.parse("a (b c"));
        assertEquals(List.of(w("x ", 1.0), w("(a (b) c", 1.0)), PromptWeights.parse("x (a (b) c"));
    }

    @Test
    void aStrayCloseParenthesisDisablesLaterGroups() {
        assertEquals(List.of(w("a) (b)", 1.0)), PromptWeights.parse("a) (b)"));
        assertEquals(List.of(w("b", 1.1), w(")c(d)", 1.0)), PromptWeights.parse("(b))c(d)"));
    }

    @Test
    void emptyGroupsVanish() {
        assertEquals(List.of(w("a ", 1.0), w(" b", 1.0)), PromptWeights.parse("a () b"));
    }

    @Test
    void squareBracketsAreText() {
        assertEquals(List.of(w("[cat] ", 1.0), w("[dog]", 1.1)), PromptWeights.parse("[cat] ([dog])"));
    }

    @Test
    void nonFiniteWeightsAreRefused() {
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> PromptWeights.parse("a (cat:inf)"));
        assertTrue(error.getMessage().contains("'inf' in '(cat:inf)'"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PromptWeights.parse("(cat:NaN)"));
    }
}
