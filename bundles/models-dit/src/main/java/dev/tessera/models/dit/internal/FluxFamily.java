package dev.tessera.models.dit.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.PackContext;
import dev.tessera.conformance.Tolerance;
import dev.tessera.models.dit.AttentionMask;
import dev.tessera.models.dit.AttentionMode;
import dev.tessera.models.dit.BlockKind;
import dev.tessera.models.dit.BlockMasks;
import dev.tessera.models.dit.FluxInput;
import dev.tessera.models.dit.FluxTransformer2DModel;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * The pack's {@code flux/cases}, on both layouts of its transformer (the diffusers folder, and the BFL single file
 * with its architecture file; the single file's outputs carry a {@code [single-file]} suffix), one forward pass
 * each (1e-4). {@code transformer}: {@code out}. {@code kontext_masks}: {@code out} unmasked,
 * {@code out_mask_a_all_blocks} with {@code mask_a} in every block, {@code out_mask_per_block} with the case's
 * assignment (double blocks {@code mask_a}, single block 0 {@code mask_b}, the other single blocks
 * {@code mask_a}); masked outputs are computed both dense and skipping ({@code [skip]} suffix).
 */
@Component(service = ConformanceFamily.class)
public final class FluxFamily implements ConformanceFamily {

    private static final String SINGLE_FILE = "[single-file]";

    @Override
    public String name() {
        return "flux";
    }

    @Override
    public boolean handles(Path caseFile) {
        String name = caseFile.getFileName().toString();
        return name.equals("transformer.safetensors") || name.equals("kontext_masks.safetensors");
    }

    @Override
    public CaseOutcome run(PackContext context, Path caseFile) {
        boolean kontext = caseFile.getFileName().toString().startsWith("kontext_masks");
        List<Comparison> comparisons = new ArrayList<>();
        try (SafetensorsFile file = SafetensorsFile.open(caseFile)) {
            for (boolean singleFile : new boolean[] {false, true}) {
                try (FluxCheckpoint checkpoint = open(context, singleFile);
                        NDManager manager = context.manager().newSubManager()) {
                    String suffix = singleFile ? SINGLE_FILE : "";
                    FluxTransformer2DModel model = checkpoint.transformer();
                    FluxInput input = new FluxInput(PackCases.load(file, "hidden_states", manager),
                            PackCases.load(file, "encoder_hidden_states", manager), PackCases.load(file, "pooled_projections", manager),
                            PackCases.load(file, "timestep", manager), PackCases.load(file, "img_ids", manager),
                            PackCases.load(file, "txt_ids", manager), PackCases.load(file, "guidance", manager));
                    comparisons.add(PackCases.compare("out", suffix, model.forward(input), file, manager));
                    if (kontext) {
                        AttentionMask a = AttentionMask.of(PackCases.load(file, "mask_a", manager));
                        AttentionMask b = AttentionMask.of(PackCases.load(file, "mask_b", manager));
                        BlockMasks perBlock = (kind, index) -> kind == BlockKind.SINGLE && index == 0 ? b : a;
                        for (AttentionMode mode : new AttentionMode[] {AttentionMode.DENSE, AttentionMode.SKIP}) {
                            String tag = suffix + (mode == AttentionMode.SKIP ? "[skip]" : "");
                            comparisons.add(PackCases.compare("out_mask_a_all_blocks", tag,
                                    model.forward(input, BlockMasks.everywhere(a), mode), file, manager));
                            comparisons.add(PackCases.compare("out_mask_per_block", tag, model.forward(input, perBlock, mode),
                                    file, manager));
                        }
                    }
                }
            }
        }
        return CaseOutcome.of(comparisons);
    }

    private static FluxCheckpoint open(PackContext context, boolean singleFile) {
        NDManager weights = context.manager().newSubManager();
        if (singleFile) {
            return FluxCheckpoint.openSingleFile(context.resolve("flux/single-file/tiny-flux.safetensors"),
                    context.resolve("flux/single-file/tiny-flux.arch.json"), context.dtype(), weights);
        }
        return FluxCheckpoint.openDiffusers(context.resolve("flux/diffusers/transformer"), context.dtype(), weights);
    }
}
