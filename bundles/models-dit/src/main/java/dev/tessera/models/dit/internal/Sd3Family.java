package dev.tessera.models.dit.internal;

import ai.djl.ndarray.NDManager;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.PackContext;
import dev.tessera.models.dit.Sd3Input;
import dev.tessera.models.dit.loading.Sd3Checkpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * The pack's {@code sd3/cases/transformer} on both layouts of its MMDiT (the diffusers folder, and the original
 * single file with its architecture file; the single file's output carries a {@code [single-file]} suffix): one
 * forward pass each, {@code out} within 1e-4.
 */
@Component(service = ConformanceFamily.class)
public final class Sd3Family implements ConformanceFamily {

    @Override
    public String name() {
        return "sd3";
    }

    @Override
    public boolean handles(Path caseFile) {
        return caseFile.getFileName().toString().equals("transformer.safetensors");
    }

    @Override
    public CaseOutcome run(PackContext context, Path caseFile) {
        List<Comparison> comparisons = new ArrayList<>();
        try (SafetensorsFile file = SafetensorsFile.open(caseFile)) {
            for (boolean singleFile : new boolean[] {false, true}) {
                try (Sd3Checkpoint checkpoint = open(context, singleFile);
                        NDManager manager = context.manager().newSubManager()) {
                    Sd3Input input = new Sd3Input(PackCases.load(file, "hidden_states", manager),
                            PackCases.load(file, "encoder_hidden_states", manager),
                            PackCases.load(file, "pooled_projections", manager),
                            PackCases.load(file, "timestep", manager));
                    comparisons.add(PackCases.compare("out", singleFile ? "[single-file]" : "",
                            checkpoint.transformer().forward(input), file, manager));
                }
            }
        }
        return CaseOutcome.of(comparisons);
    }

    private static Sd3Checkpoint open(PackContext context, boolean singleFile) {
        NDManager weights = context.manager().newSubManager();
        if (singleFile) {
            return Sd3Checkpoint.openSingleFile(context.resolve("sd3/single-file/tiny-sd3.safetensors"),
                    context.resolve("sd3/single-file/tiny-sd3.arch.json"), context.dtype(), weights);
        }
        return Sd3Checkpoint.openDiffusers(context.resolve("sd3/diffusers/transformer"), context.dtype(), weights);
    }
}
