package dev.tessera.sd.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.PackContext;
import dev.tessera.conformance.Tolerance;
import dev.tessera.model.api.runtime.PatchedModels;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.CLIPTextOutput;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * The pack's {@code sdxl/cases/unet_te}, through the checkpoint the SD handles share (the same patched-model
 * variants the nodes acquire), on both layouts: the diffusers folder and the single file with its architecture
 * file (outputs suffixed {@code [single-file]}). CLIP-L's and OpenCLIP-G's penultimate states, G's projected pooled
 * output, their concatenation, and the UNet's prediction with the added conditioning built from the pooled output
 * and the case's time ids (one forward pass each, 1e-4).
 */
@Component(service = ConformanceFamily.class)
public final class SdxlFamily implements ConformanceFamily {

    private static final String SINGLE_FILE = "[single-file]";

    @Override
    public String name() {
        return "sdxl";
    }

    @Override
    public boolean handles(Path caseFile) {
        return caseFile.getFileName().toString().equals("unet_te.safetensors");
    }

    @Override
    public CaseOutcome run(PackContext context, Path caseFile) {
        List<Comparison> comparisons = new ArrayList<>();
        try (SafetensorsFile file = SafetensorsFile.open(caseFile)) {
            for (boolean singleFile : new boolean[] {false, true}) {
                try (SdCheckpoint checkpoint = open(context, singleFile);
                        NDManager manager = context.manager().newSubManager()) {
                    String suffix = singleFile ? SINGLE_FILE : "";
                    for (Comparison c : unetTe(checkpoint, file, manager)) {
                        comparisons.add(new Comparison(c.output() + suffix, c.kind(), c.error(), c.tolerance()));
                    }
                }
            }
        }
        return CaseOutcome.of(comparisons);
    }

    private static SdCheckpoint open(PackContext context, boolean singleFile) {
        Path path = singleFile ? context.resolve("sdxl/single-file/tiny-sdxl-unet-te.safetensors")
                : context.resolve("sdxl/diffusers");
        Path arch = singleFile ? context.resolve("sdxl/single-file/tiny-sdxl.arch.json") : null;
        SdCheckpoint checkpoint = SdCheckpoint.open(path, arch, List.of(), context.device(), context.dtype(),
                context.manager().newSubManager());
        if (!checkpoint.isSdxl()) {
            checkpoint.close();
            throw new IllegalStateException(path + " did not open as an SDXL checkpoint");
        }
        return checkpoint;
    }

    private static List<Comparison> unetTe(SdCheckpoint checkpoint, SafetensorsFile file, NDManager manager) {
        NDArray ids = load(file, "input_ids", manager);
        try (PatchedModels.Use<CLIPTextModel> l = checkpoint.textEncoders().acquire(List.of());
                PatchedModels.Use<CLIPTextModel> g = checkpoint.textEncoders2().acquire(List.of());
                PatchedModels.Use<UNet2DConditionModel> unet = checkpoint.unets().acquire(List.of())) {
            CLIPTextOutput first = l.model().forward(ids);
            CLIPTextOutput second = g.model().forward(ids);
            NDArray context = first.penultimateHiddenState().concat(second.penultimateHiddenState(), 2);
            NDArray added = unet.model().addedConditioning(second.textEmbeds(), load(file, "time_ids", manager));
            NDArray out = unet.model().forward(load(file, "sample", manager), load(file, "timestep", manager),
                    context, added);
            return List.of(
                    compare("te1_penultimate", first.penultimateHiddenState(), file, manager),
                    compare("te2_penultimate", second.penultimateHiddenState(), file, manager),
                    compare("te2_text_embeds", second.textEmbeds(), file, manager),
                    compare("encoder_hidden_states", context, file, manager),
                    compare("out", out, file, manager));
        }
    }

    private static Comparison compare(String output, NDArray actual, SafetensorsFile file, NDManager manager) {
        return Comparison.relativeL2(output, actual.toType(DataType.FLOAT32, false), load(file, output, manager),
                Tolerance.FORWARD_PASS);
    }

    private static NDArray load(SafetensorsFile file, String tensor, NDManager manager) {
        if (!file.contains(tensor)) {
            throw new IllegalArgumentException(file.path() + ": no tensor '" + tensor + "'");
        }
        return file.load(tensor, manager);
    }
}
