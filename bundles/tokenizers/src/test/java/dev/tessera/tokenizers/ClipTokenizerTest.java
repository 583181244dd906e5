package dev.tessera.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prompts as 77-token windows, on the pack's CLIP-style tokenizer (start 0, end 1). Expected ids are the pack's
 * reference encodings of its texts: "a red apple on the left of a blue cup" is
 * 61 90 91 71 75 152 82 61 146 148, "photo of an" is 155 82 98, "riding a horse" 128 61 161 and "," is 64.
 */
class ClipTokenizerTest {

    private static final long START = 0;
    private static final long END = 1;
    private static final String SENTENCE = "a red apple on the left of a blue cup";
    private static final long[] SENTENCE_IDS = {61, 90, 91, 71, 75, 152, 82, 61, 146, 148};
    private static final long[] PHOTO_OF_AN = {155, 82, 98};
    private static final long[] RIDING_A_HORSE = {128, 61, 161};

    private static TextTokenizer text;
    private static ClipTokenizer clip;

    @BeforeAll
    static void load() {
        text = TextTokenizer.fromTokenizerJson(ConformancePack.clipStyleJson());
        clip = ClipTokenizer.sd1(text);
    }

    @AfterAll
    static void close() {
        text.close();
    }

    /** start, content, end, then pad up to 77. */
    private static long[] window(long pad, long[]... content) {
        long[] window = new long[ClipTokenizer.CONTEXT_LENGTH];
        Arrays.fill(window, pad);
        int at = 0;
        window[at++] = START;
        for (long[] part : content) {
            for (long id : part) {
                window[at++] = id;
            }
        }
        window[at] = END;
        return window;
    }

    private static long[] repeat(long[] ids, int times) {
        return LongStream.range(0, (long) ids.length * times).map(i -> ids[(int) (i % ids.length)]).toArray();
    }

    private static float[] ones() {
        float[] ones = new float[ClipTokenizer.CONTEXT_LENGTH];
        Arrays.fill(ones, 1.0f);
        return ones;
    }

    @Test
    void specialTokensComeFromTheTokenizer() {
        assertEquals(START, clip.startToken());
        assertEquals(END, clip.endToken());
        assertEquals(END, clip.padToken(), "SD1.x pads with the end token");
        assertEquals(0, new ClipTokenizer(text, false).padToken());
    }

    @Test
    void aShortPromptIsPaddedTo77WithTheEndToken() {
        WeightedTokens tokens = clip.tokenizeWithWeights("a red apple");
        assertEquals(1, tokens.windows());
        assertArrayEquals(window(END, new long[] {61, 90, 91}), tokens.ids(0));
        assertArrayEquals(ones(), tokens.weights(0));
        assertFalse(tokens.hasWeights());
    }

    @Test
    void paddingWithZeroLeavesOneEndToken() {
        WeightedTokens tokens = new ClipTokenizer(text, false).tokenizeWithWeights("a red apple");
        assertArrayEquals(window(0, new long[] {61, 90, 91}), tokens.ids(0));
    }

    @Test
    void theEmptyPromptIsStartEndAndPadding() {
        WeightedTokens tokens = clip.tokenizeWithWeights("");
        assertEquals(1, tokens.windows());
        assertArrayEquals(window(END), tokens.ids(0));
        assertArrayEquals(ones(), tokens.weights(0));
        assertArrayEquals(window(END), tokens.emptyWindow());
        assertArrayEquals(window(0), new ClipTokenizer(text, false).tokenizeWithWeights("").ids(0));
    }

    @Test
    void weightsFollowTheSyntax() {
        WeightedTokens tokens = clip.tokenizeWithWeights("a (red:1.2) ((apple)) cup");
        assertArrayEquals(window(END, new long[] {61, 90, 91, 148}), tokens.ids(0));
        float[] expected = ones();
        expected[2] = 1.2f;
        expected[3] = 1.21f;
        assertArrayEquals(expected, tokens.weights(0));
        assertTrue(tokens.hasWeights());
        // Word ids number the pieces "a ", "red", " ", "apple", " cup"; the space alone gives no token.
        assertArrayEquals(new int[] {0, 1, 2, 4, 5, 0, 0}, Arrays.copyOf(tokens.wordIds(0), 7));
    }

    @Test
    void aTwoHundredTokenPromptFillsThreeWindowsWithNothingLost() {
        WeightedTokens tokens = clip.tokenizeWithWeights((SENTENCE + " ").repeat(20));
        long[] content = repeat(SENTENCE_IDS, 20);
        assertEquals(3, tokens.windows(), "200 tokens = 75 + 75 + 50");
        assertArrayEquals(window(END, Arrays.copyOfRange(content, 0, 75)), tokens.ids(0));
        assertArrayEquals(window(END, Arrays.copyOfRange(content, 75, 150)), tokens.ids(1));
        assertArrayEquals(window(END, Arrays.copyOfRange(content, 150, 200)), tokens.ids(2));
        assertEquals(3 * 77, tokens.allIds().length);
        for (int w = 0; w < 3; w++) {
            assertEquals(77, tokens.ids(w).length);
            assertArrayEquals(ones(), tokens.weights(w));
        }
    }

    @Test
    void aShortWeightedPieceThatDoesNotFitMovesWholeToTheNextWindow() {
        // 73 tokens, then 3 weighted ones: 1 + 73 + 3 > 76, and a piece under 8 tokens is not cut.
        String prompt = (SENTENCE + " ").repeat(7) + "photo of an (riding a horse:1.5)";
        WeightedTokens tokens = clip.tokenizeWithWeights(prompt);
        assertEquals(2, tokens.windows());
        assertArrayEquals(window(END, repeat(SENTENCE_IDS, 7), PHOTO_OF_AN), tokens.ids(0));
        assertArrayEquals(ones(), tokens.weights(0));
        assertArrayEquals(window(END, RIDING_A_HORSE), tokens.ids(1));
        float[] second = ones();
        second[1] = second[2] = second[3] = 1.5f;
        assertArrayEquals(second, tokens.weights(1));
    }

    @Test
    void aLongWeightedPieceIsCutWhereTheWindowEndsAndKeepsItsWeight() {
        // 74 tokens, then a weighted 10-token piece: one token fits, nine go on in the next window.
        String prompt = (SENTENCE + " ").repeat(7) + "photo of an horse (" + SENTENCE + ":1.25)";
        WeightedTokens tokens = clip.tokenizeWithWeights(prompt);
        assertEquals(2, tokens.windows());
        long[] first = window(END, repeat(SENTENCE_IDS, 7), PHOTO_OF_AN, new long[] {161, SENTENCE_IDS[0]});
        assertArrayEquals(first, tokens.ids(0));
        assertEquals(END, first[76]);
        float[] firstWeights = ones();
        firstWeights[75] = 1.25f;
        assertArrayEquals(firstWeights, tokens.weights(0));
        assertArrayEquals(window(END, Arrays.copyOfRange(SENTENCE_IDS, 1, 10)), tokens.ids(1));
        float[] secondWeights = ones();
        Arrays.fill(secondWeights, 1, 10, 1.25f);
        assertArrayEquals(secondWeights, tokens.weights(1));
    }

    @Test
    void everyContentTokenSurvivesWindowingInOrder() {
        String prompt = "(" + (SENTENCE + " ").repeat(9) + ":0.9) photo of an (riding a horse) "
                + (SENTENCE + ", ").repeat(8);
        WeightedTokens tokens = clip.tokenizeWithWeights(prompt);
        long[] expected = LongStream.concat(LongStream.concat(LongStream.of(repeat(SENTENCE_IDS, 9)),
                LongStream.concat(LongStream.of(PHOTO_OF_AN), LongStream.of(RIDING_A_HORSE))),
                LongStream.of(repeat(LongStream.concat(LongStream.of(SENTENCE_IDS), LongStream.of(64)).toArray(), 8)))
                .toArray();
        long[] content = new ClipTokenizer(text, false).tokenizeWithWeights(prompt).allIds();
        long[] kept = LongStream.of(content).filter(id -> id != START && id != END && id != 0).toArray();
        assertArrayEquals(expected, kept);
        for (int w = 0; w < tokens.windows(); w++) {
            long[] ids = tokens.ids(w);
            assertEquals(START, ids[0], "window " + w + " starts with the start token");
            assertEquals(END, ids[76], "window " + w + " ends with end or padding (= end)");
        }
        float[] weights = tokens.allWeights();
        long weighted09 = 0;
        long weighted11 = 0;
        for (float weight : weights) {
            weighted09 += weight == 0.9f ? 1 : 0;
            weighted11 += weight == 1.1f ? 1 : 0;
        }
        assertEquals(90, weighted09);
        assertEquals(3, weighted11);
    }

    @Test
    void unbalancedParenthesesAreTokenizedAsText() {
        // "(" and ")" reach the tokenizer; the pack's vocabulary spells them "(</w>" and ")".
        WeightedTokens open = clip.tokenizeWithWeights("a (red");
        assertArrayEquals(window(END, new long[] {61, 40, 90}), open.ids(0));
        assertFalse(open.hasWeights());
    }

    @Test
    void escapedParenthesesAreTokenizedAsText() {
        // "a (red)": "(" is "(</w>" (40); ")" alone is not in the pack's vocabulary, so it is the unknown token,
        // which this tokenizer maps to <|endoftext|> (1), as CLIP does.
        WeightedTokens escaped = clip.tokenizeWithWeights("a \\(red\\)");
        assertArrayEquals(window(END, new long[] {61, 40, 90, 1}), escaped.ids(0));
        assertFalse(escaped.hasWeights());
    }

    @Test
    void embeddingsAreLeftOutAsComfyUiDoesWhenItCannotFindThem() {
        WeightedTokens tokens = clip.tokenizeWithWeights("a embedding:foo, red apple");
        assertEquals(List.of("foo"), tokens.ignoredEmbeddings());
        // The comma stuck to the name stays: ", red apple".
        assertArrayEquals(window(END, new long[] {61, 64, 90, 91}), tokens.ids(0));
        WeightedTokens alone = clip.tokenizeWithWeights("embedding:bar");
        assertEquals(List.of("bar"), alone.ignoredEmbeddings());
        assertArrayEquals(window(END), alone.ids(0));
        assertThrows(IllegalArgumentException.class, () -> clip.tokenizeWithWeights("a embedding:"));
    }

    @Test
    void aLongPromptTakesTimeLinearInItsLength() {
        // With one character beyond Latin-1 (a Java string of UTF-16 units): each token's span index was found by
        // walking from the start of the text, quadratic in the prompt's length. A ratio of this thread's CPU time (the
        // native encoder runs on it too), not a wall-clock limit, so that a loaded machine does not fail it: 8x the
        // text takes about 8x the time when linear, 64x when quadratic.
        long small = bestOfTwo(64_000);
        long large = bestOfTwo(512_000);
        double ratio = (double) large / small;
        assertTrue(ratio < 24, "512 kB took " + ratio + " times as long as 64 kB (linear: about 8)");
    }

    /** The shorter of two tokenizations of a prompt of about {@code chars} characters, in CPU nanoseconds. */
    private long bestOfTwo(int chars) {
        String unit = SENTENCE + ", ";
        int repetitions = chars / unit.length();
        String prompt = unit.repeat(repetitions) + "\u2615";
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 2; run++) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long started = threads.getCurrentThreadCpuTime();
            WeightedTokens tokens = clip.tokenizeWithWeights(prompt, new PromptLimits(2_000_000, 1_000_000));
            best = Math.min(best, threads.getCurrentThreadCpuTime() - started);
            // The sentence's ids and a comma per repetition, 75 per window.
            long expectedTokens = (long) repetitions * (SENTENCE_IDS.length + 1);
            assertTrue(tokens.windows() >= (expectedTokens + 74) / 75, tokens.windows() + " windows");
        }
        return best;
    }

    @Test
    void promptsOverTheLimitsAreRefusedNamingTheLimit() {
        PromptTooLongException chars = assertThrows(PromptTooLongException.class,
                () -> clip.tokenizeWithWeights("x".repeat(101), new PromptLimits(100, 1000)));
        assertEquals("the prompt has 101 characters, more than the limit of 100 (tessera.prompt.maxChars)", chars.getMessage());
        PromptTooLongException tokens = assertThrows(PromptTooLongException.class,
                () -> clip.tokenizeWithWeights(SENTENCE + " (" + SENTENCE + ":1.2)", new PromptLimits(1000, 15)));
        assertEquals("the prompt has more than 15 tokens, the limit (tessera.prompt.maxTokens)", tokens.getMessage());
        assertEquals(1, clip.tokenizeWithWeights(SENTENCE, new PromptLimits(1000, SENTENCE_IDS.length)).windows(),
                "exactly at the limit");
        assertEquals(PromptLimits.DEFAULTS, PromptLimits.from(k -> null));
        assertEquals(new PromptLimits(5, 6), PromptLimits.from(java.util.Map.of("tessera.prompt.maxChars", "5",
                "tessera.prompt.maxTokens", "6")::get));
    }

    @Test
    void deeplyNestedParenthesesDoNotOverflowTheStack() {
        int depth = (PromptLimits.DEFAULT_MAX_CHARS - "apple:1.5".length()) / 2;
        WeightedTokens tokens = clip.tokenizeWithWeights("(".repeat(depth) + "apple:1.5" + ")".repeat(depth));
        // The innermost group's explicit weight replaces the emphasis of all the groups around it.
        assertEquals(1.5f, tokens.allWeights()[1]);
    }
}
