package dev.tessera.models.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Autoregressive generation with a {@link CausalLM}: the prompt in one forward pass (prefill), then one token at a
 * time, each chosen by a {@link TokenSampler} from the last position's logits after an optional
 * {@link TokenConstraint} masked them.
 */
public final class TextGenerator {

    private final CausalLM model;

    public TextGenerator(CausalLM model) {
        this.model = model;
    }

    /**
     * Generates after {@code prompt}.
     *
     * @param manager    where the step tensors live (its device is the model's)
     * @param decoder    token ids to text, for stop strings and the result's text (null: no text, no stop strings)
     * @param constraint null for free text
     * @param progress   receives the count of new tokens after each one (null: none)
     */
    public Generation generate(NDManager manager, long[] prompt, GenerationOptions options,
            Function<long[], String> decoder, TokenConstraint constraint, IntConsumer progress) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens");
        }
        if (decoder == null && !options.stopStrings().isEmpty()) {
            throw new IllegalArgumentException("stop strings need a decoder");
        }
        TokenSampler sampler = new TokenSampler(options.sampling());
        long[] sequence = Arrays.copyOf(prompt, prompt.length + options.maxNewTokens());
        int length = prompt.length;
        Generation.StopReason reason = Generation.StopReason.MAX_TOKENS;
        String text = null;
        try (NDManager steps = manager.newSubManager();
                KvCache cache = options.useCache() ? model.newCache(steps) : null) {
            long[] input = prompt;
            while (length - prompt.length < options.maxNewTokens()) {
                if (constraint != null && constraint.complete()) {
                    reason = Generation.StopReason.CONSTRAINT_COMPLETE;
                    break;
                }
                float[] logits;
                try (NDManager step = steps.newSubManager()) {
                    NDArray ids = step.create(input, new Shape(1, input.length));
                    NDArray out = model.forward(ids, cache);
                    logits = out.get(0, out.getShape().get(1) - 1).toFloatArray();
                }
                if (constraint != null) {
                    constraint.mask(logits);
                }
                int token = sampler.next(logits, Arrays.copyOf(sequence, length));
                if (options.stopTokens().contains((long) token) && constraint == null) {
                    reason = Generation.StopReason.STOP_TOKEN;
                    break;
                }
                if (constraint != null) {
                    constraint.accept(token);
                }
                sequence[length++] = token;
                if (progress != null) {
                    progress.accept(length - prompt.length);
                }
                if (!options.stopStrings().isEmpty()) {
                    String sofar = decoder.apply(Arrays.copyOfRange(sequence, prompt.length, length));
                    int cut = firstStop(sofar, options);
                    if (cut >= 0) {
                        text = sofar.substring(0, cut);
                        reason = Generation.StopReason.STOP_STRING;
                        break;
                    }
                }
                input = options.useCache() ? new long[] {token} : Arrays.copyOf(sequence, length);
            }
            if (reason == Generation.StopReason.MAX_TOKENS && constraint != null && constraint.complete()) {
                reason = Generation.StopReason.CONSTRAINT_COMPLETE;
            }
        }
        long[] generated = Arrays.copyOfRange(sequence, prompt.length, length);
        if (text == null && decoder != null) {
            text = decoder.apply(generated);
        }
        return new Generation(generated, text, reason);
    }

    private static int firstStop(String text, GenerationOptions options) {
        int cut = -1;
        for (String stop : options.stopStrings()) {
            int at = text.indexOf(stop);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        return cut;
    }
}
