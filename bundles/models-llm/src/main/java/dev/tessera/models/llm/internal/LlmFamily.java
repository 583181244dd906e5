package dev.tessera.models.llm.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.PackContext;
import dev.tessera.conformance.Tolerance;
import dev.tessera.models.llm.CausalLM;
import dev.tessera.models.llm.Generation;
import dev.tessera.models.llm.GenerationOptions;
import dev.tessera.models.llm.TextGenerator;
import dev.tessera.models.llm.loading.LlmCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * The pack's {@code llm/cases/<model>.safetensors}: the transformers folder {@code llm/<model>} run on the case's
 * {@code input_ids} ({@code logits}, one forward pass, 1e-4) and greedy generation after {@code input_ids} and
 * {@code input_ids_2} ({@code generated}, {@code generated_2}: the prompt followed by the new tokens, no end-of-
 * sequence stop), each exact both with the KV cache and without it.
 */
@Component(service = ConformanceFamily.class)
public final class LlmFamily implements ConformanceFamily {

    private static final String SUFFIX = ".safetensors";

    @Override
    public String name() {
        return "llm";
    }

    @Override
    public boolean handles(Path caseFile) {
        return caseFile.getParent() != null && caseFile.getParent().getFileName().toString().equals("cases")
                && caseFile.getFileName().toString().endsWith(SUFFIX);
    }

    @Override
    public CaseOutcome run(PackContext context, Path caseFile) {
        String file = caseFile.getFileName().toString();
        String modelName = file.substring(0, file.length() - SUFFIX.length());
        try (SafetensorsFile tensors = SafetensorsFile.open(caseFile);
                LlmCheckpoint checkpoint = LlmCheckpoint.open(context.resolve("llm/" + modelName), context.device(),
                        context.dtype(), context.manager());
                NDManager manager = context.manager().newSubManager()) {
            CausalLM model = checkpoint.model();
            List<Comparison> comparisons = new ArrayList<>();
            NDArray ids = load(tensors, "input_ids", manager);
            comparisons.add(Comparison.relativeL2("logits", model.forward(ids), load(tensors, "logits", manager),
                    Tolerance.FORWARD_PASS));
            for (String suffix : List.of("", "_2")) {
                NDArray prompt = load(tensors, "input_ids" + suffix, manager);
                NDArray expected = load(tensors, "generated" + suffix, manager);
                int newTokens = (int) (expected.getShape().get(1) - prompt.getShape().get(1));
                for (boolean cache : new boolean[] {true, false}) {
                    Generation generation = new TextGenerator(model).generate(manager, prompt.toLongArray(),
                            GenerationOptions.greedy(newTokens).withCache(cache), null, null, null);
                    long[] sequence = concat(prompt.toLongArray(), generation.tokens());
                    NDArray actual = manager.create(sequence, new Shape(1, sequence.length));
                    comparisons.add(Comparison.exact("generated" + suffix + (cache ? "" : "_nocache"), actual,
                            expected));
                }
            }
            return CaseOutcome.of(comparisons);
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static NDArray load(SafetensorsFile file, String name, NDManager manager) {
        if (!file.contains(name)) {
            throw new IllegalArgumentException(file.path() + ": no tensor '" + name + "' (the case has "
                    + file.names() + ")");
        }
        return file.load(name, manager);
    }
}
