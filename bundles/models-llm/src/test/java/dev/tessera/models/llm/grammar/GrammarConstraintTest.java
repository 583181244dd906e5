package dev.tessera.models.llm.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.layout.Coordinates;
import dev.tessera.layout.Layout;
import dev.tessera.layout.PaperFormat;
import dev.tessera.models.llm.ChatTokenizer;
import dev.tessera.models.llm.SamplingOptions;
import dev.tessera.models.llm.TokenSampler;
import dev.tessera.models.llm.loading.TokenizerFiles;
import dev.tessera.testing.ConformancePack;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The constraint on the pack's byte-level BPE tokenizer (its layout tags are special tokens there). */
class GrammarConstraintTest {

    private static ChatTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = TokenizerFiles.read(ConformancePack.dir().resolve("tokenizers/bytelevel"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    static GrammarConstraint.Vocabulary vocabulary(boolean withTags) {
        return GrammarConstraint.Vocabulary.forLayouts(tokenizer.tokenBytes(),
                withTags ? tokenizer.specialTokens() : Map.of());
    }

    /** The shared-prefix walk allows exactly the tokens whose bytes, fed one by one, stay in the grammar. */
    @Test
    void theMaskIsTheTokensWhoseBytesStayInTheGrammar() {
        GrammarConstraint.Vocabulary vocabulary = vocabulary(true);
        GrammarConstraint constraint = GrammarConstraint.forGeneration(vocabulary, 2);
        LayoutGrammar grammar = new LayoutGrammar(2);
        String text = "<layout><scap>a cat</scap><bbox>(0.12, 0.3, 0.5, 0.9)</bbox></layout>";
        LayoutGrammar.State s = grammar.start();
        byte[][] bytes = tokenizerBytesWithTags();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            BitSet walked = constraint.allowedTokens(s);
            BitSet brute = new BitSet();
            for (int id = 0; id < bytes.length; id++) {
                LayoutGrammar.State t = s;
                for (int i = 0; bytes[id] != null && i < bytes[id].length && t != null; i++) {
                    t = grammar.next(t, bytes[id][i]);
                }
                if (bytes[id] != null && bytes[id].length > 0 && t != null) {
                    brute.set(id);
                }
            }
            assertEquals(brute, walked, "after a prefix ending in state " + s);
            assertTrue(!walked.isEmpty());
            s = grammar.next(s, b);
        }
    }

    private static byte[][] tokenizerBytesWithTags() {
        byte[][] all = tokenizer.tokenBytes().clone();
        tokenizer.specialTokens().forEach((id, text) -> {
            if (LayoutGrammar.TAGS.contains(text)) {
                all[id] = text.getBytes(StandardCharsets.UTF_8);
            }
        });
        return all;
    }

    /** Whatever the logits, constrained sampling ends in a layout the paper-format reader accepts. */
    @Test
    void randomLogitsStillGiveLayoutsWithOrWithoutTagTokens() {
        for (boolean tags : new boolean[] {true, false}) {
            GrammarConstraint.Vocabulary vocabulary = vocabulary(tags);
            Random random = new Random(3);
            for (int seed = 0; seed < 40; seed++) {
                GrammarConstraint constraint = GrammarConstraint.forGeneration(vocabulary, 1 + seed % 3);
                TokenSampler sampler = new TokenSampler(SamplingOptions.sampled(1.0, seed));
                List<Long> ids = new ArrayList<>();
                while (!constraint.complete()) {
                    float[] logits = new float[vocabulary.size() + 5];
                    for (int i = 0; i < logits.length; i++) {
                        logits[i] = (float) random.nextGaussian() * 3;
                    }
                    constraint.mask(logits);
                    int token = sampler.next(logits, new long[0]);
                    constraint.accept(token);
                    ids.add((long) token);
                    assertTrue(ids.size() < 2000);
                }
                String text = tokenizer.decodeWithSpecialTokens(ids.stream().mapToLong(Long::longValue).toArray());
                Layout layout = PaperFormat.read(text, Coordinates.normalized());
                assertTrue(layout.size() >= 1 && layout.size() <= 1 + seed % 3, text);
                if (!tags) {
                    assertTrue(ids.stream().noneMatch(id -> tokenizer.specialTokens().containsKey(id.intValue())));
                }
            }
        }
    }
}
