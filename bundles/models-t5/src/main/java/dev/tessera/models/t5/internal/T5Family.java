package dev.tessera.models.t5.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.PackContext;
import dev.tessera.conformance.Tolerance;
import dev.tessera.models.t5.T5EncoderModel;
import dev.tessera.models.t5.loading.T5EncoderCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * The pack's {@code t5/cases}: the encoder of {@code t5/encoder} (transformers folder) on the case's
 * {@code input_ids}, with its {@code attention_mask} ({@code last_hidden_state}) and without
 * ({@code last_hidden_state_nomask}), one forward pass each (1e-4).
 */
@Component(service = ConformanceFamily.class)
public final class T5Family implements ConformanceFamily {

    @Override
    public String name() {
        return "t5";
    }

    @Override
    public boolean handles(Path caseFile) {
        return caseFile.getFileName().toString().equals("encoder.safetensors");
    }

    @Override
    public CaseOutcome run(PackContext context, Path caseFile) {
        try (SafetensorsFile file = SafetensorsFile.open(caseFile);
                T5EncoderCheckpoint checkpoint = T5EncoderCheckpoint.open(context.resolve("t5/encoder"),
                        context.device(), context.dtype(), context.manager());
                NDManager manager = context.manager().newSubManager()) {
            T5EncoderModel model = checkpoint.model();
            NDArray ids = load(file, "input_ids", manager);
            NDArray mask = load(file, "attention_mask", manager);
            return CaseOutcome.of(List.of(
                    compare("last_hidden_state", model.forward(ids, mask), file, manager),
                    compare("last_hidden_state_nomask", model.forward(ids), file, manager)));
        }
    }

    private static NDArray load(SafetensorsFile file, String name, NDManager manager) {
        if (!file.contains(name)) {
            throw new IllegalArgumentException(file.path() + ": no tensor '" + name + "' (the case has "
                    + file.names() + ")");
        }
        return file.load(name, manager);
    }

    private static Comparison compare(String name, NDArray actual, SafetensorsFile file, NDManager manager) {
        return Comparison.relativeL2(name, actual, load(file, name, manager), Tolerance.FORWARD_PASS);
    }
}
