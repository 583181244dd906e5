package dev.tessera.miglora.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.PackContext;
import dev.tessera.conformance.Tolerance;
import dev.tessera.layout.Box;
import dev.tessera.layout.BoxMasks;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.miglora.Fusion;
import dev.tessera.miglora.InstanceEmbeddings;
import dev.tessera.miglora.MaskEncoder;
import dev.tessera.miglora.MigHook;
import dev.tessera.model.api.ForwardHook;
import dev.tessera.model.api.HookContext;
import dev.tessera.models.sd.HookedUNet;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.sampling.ModelStep;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Component;

/**
 * The pack's {@code miglora/cases/released_forward}: the authors' released forward on the pack's tiny SD1.5 UNet,
 * reproduced through the same {@link MigHook} the MIGApply node puts on a MODEL (released mask encoder, avg fusion,
 * beta 1). The layout is rebuilt from the case's pixel boxes, so the box masks BoxMasks rasterises are compared with
 * the case's own ({@code box_masks}, exact); then {@code mask_embedding}, {@code mid_block_output_mean} (the fused
 * middle output) and {@code out} (decoder once, global context) at 1e-4.
 */
@Component(service = ConformanceFamily.class)
public final class MigloraFamily implements ConformanceFamily {

    private static final Pattern BOX = Pattern.compile(
            "\\(\\s*(-?[\\d.]+)\\s*,\\s*(-?[\\d.]+)\\s*,\\s*(-?[\\d.]+)\\s*,\\s*(-?[\\d.]+)\\s*\\)");

    @Override
    public String name() {
        return "miglora";
    }

    @Override
    public boolean handles(Path caseFile) {
        return caseFile.getFileName().toString().equals("released_forward.safetensors");
    }

    @Override
    public CaseOutcome run(PackContext context, Path caseFile) {
        NDManager manager = context.manager();
        try (SafetensorsFile file = SafetensorsFile.open(caseFile);
                StableDiffusionCheckpoint checkpoint = StableDiffusionCheckpoint.openDiffusers(
                        context.resolve("sd15/diffusers"), context.device(), context.dtype(),
                        manager.newSubManager())) {
            String encoderPath = file.metadata().getOrDefault("mask_encoder",
                    "miglora/tiny-mask-encoder-released.safetensors").replaceFirst("\\s*\\(.*$", "").strip();
            MaskEncoder encoder = MaskEncoder.read(context.resolve(encoderPath), manager);
            if (encoder.injection() != MaskEncoder.Injection.ADD) {
                throw new IllegalArgumentException(encoderPath + ": expected the released (additive) mask encoder, read "
                        + encoder);
            }
            NDArray sample = load(file, "sample", manager);
            int size = Math.toIntExact(sample.getShape().get(2) * encoder.downscale());
            Layout layout = layout(file.metadata().get("boxes_pixels_xyxy"), size,
                    Math.toIntExact(sample.getShape().get(3) * encoder.downscale()));
            NDArray boxMasks = load(file, "box_masks", manager);
            NDArray ours = BoxMasks.encoderInput(manager, layout, (int) boxMasks.getShape().get(3),
                    (int) boxMasks.getShape().get(2), true, DataType.FLOAT32);
            NDArray embedding = encoder.encode(boxMasks.toType(context.dtype(), false));

            UNet2DConditionModel unet = checkpoint.unet();
            InstanceEmbeddings instances = InstanceEmbeddings.of(load(file, "encoder_hidden_states_instances",
                    manager));
            MigHook hook = new MigHook(encoder, layout, instances, Fusion.AVG, 1.0);
            NDArray timestep = load(file, "timestep", manager);
            NDArray global = load(file, "encoder_hidden_states_global", manager);
            // SD1.x's timesteps run 0..999; beta 1 guides every one of them anyway.
            HookContext where = new HookContext(new ModelStep(0, 1, timestep.toType(DataType.FLOAT64, false)
                    .getDouble(0), 0, 0, NoiseSchedule.stableDiffusion().numTrainTimesteps() - 1), List.of());
            List<ForwardHook> hooks = List.of(hook);
            NDArray out = HookedUNet.forward(unet, hooks, sample, timestep, global, where);
            NDList features = HookedUNet.features(unet, hooks, sample, timestep, global, where);
            NDArray middle = features.get(features.size() - 1);

            List<Comparison> comparisons = new ArrayList<>();
            comparisons.add(Comparison.exact("box_masks", ours, boxMasks));
            comparisons.add(compare("mask_embedding", embedding, file, manager));
            comparisons.add(compare("mid_block_output_mean", middle, file, manager));
            comparisons.add(compare("out", out, file, manager));
            return CaseOutcome.of(comparisons).withNote(layout.size() + 1 + " instances batched in one encoder pass,"
                    + " " + encoder);
        }
    }

    /** The case's boxes; the first must be the whole frame (the global caption), the rest become instances. */
    private static Layout layout(String boxes, int height, int width) {
        if (boxes == null) {
            throw new IllegalArgumentException("metadata 'boxes_pixels_xyxy' is missing");
        }
        Matcher m = BOX.matcher(boxes);
        List<double[]> found = new ArrayList<>();
        while (m.find()) {
            found.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4))});
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("metadata 'boxes_pixels_xyxy' holds no (x1, y1, x2, y2) box: " + boxes);
        }
        double[] first = found.get(0);
        if (first[0] != 0 || first[1] != 0 || first[2] != width || first[3] != height) {
            throw new IllegalArgumentException("metadata 'boxes_pixels_xyxy': the first box " + java.util.Arrays.toString(
                    first) + " is not the whole " + width + "x" + height + " frame (instance 0 is the global caption)");
        }
        List<Instance> instances = new ArrayList<>();
        for (int i = 1; i < found.size(); i++) {
            double[] b = found.get(i);
            instances.add(Instance.of("instance " + i, Box.fromPixels(i - 1, b[0], b[1], b[2], b[3], width, height)));
        }
        return Layout.of("global caption", instances);
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
