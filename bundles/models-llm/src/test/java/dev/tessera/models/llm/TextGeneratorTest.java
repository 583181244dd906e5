package dev.tessera.models.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.llm.loading.LlmCheckpoint;
import dev.tessera.testing.ConformancePack;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Stops and limits of generation on the pack's tiny Qwen2 (ids decoded by a stand-in: the pack has no tokenizer). */
class TextGeneratorTest {

    static String letters(long[] ids) {
        StringBuilder s = new StringBuilder();
        for (long id : ids) {
            s.append((char) ('A' + id % 26));
        }
        return s.toString();
    }

    @Test
    void stopTokensStopStringsAndMaxTokens() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                LlmCheckpoint llm = LlmCheckpoint.open(ConformancePack.dir().resolve("llm/qwen2"), Device.cpu(),
                        DataType.FLOAT32, manager)) {
            TextGenerator generator = new TextGenerator(llm.model());
            long[] prompt = {1, 17, 42, 99};
            Generation free = generator.generate(manager, prompt, GenerationOptions.greedy(12), TextGeneratorTest::letters,
                    null, null);
            assertEquals(Generation.StopReason.MAX_TOKENS, free.reason());
            assertEquals(12, free.tokens().length);

            long third = free.tokens()[2];
            int firstAt = Arrays.stream(free.tokens()).boxed().toList().indexOf(third);
            Generation stopped = generator.generate(manager, prompt, GenerationOptions.greedy(12)
                    .withStops(List.of(), Set.of(third)), TextGeneratorTest::letters, null, null);
            assertEquals(Generation.StopReason.STOP_TOKEN, stopped.reason());
            assertArrayEquals(Arrays.copyOf(free.tokens(), firstAt), stopped.tokens());

            String stop = free.text().substring(5, 7);
            Generation cut = generator.generate(manager, prompt, GenerationOptions.greedy(12)
                    .withStops(List.of(stop), Set.of()), TextGeneratorTest::letters, null, null);
            assertEquals(Generation.StopReason.STOP_STRING, cut.reason());
            assertEquals(free.text().substring(0, free.text().indexOf(stop)), cut.text());
            assertTrue(cut.tokens().length <= 7);

            int[] progress = {0};
            generator.generate(manager, prompt, GenerationOptions.greedy(5).withCache(false), null, null,
                    n -> progress[0] = n);
            assertEquals(5, progress[0]);
        }
    }
}
