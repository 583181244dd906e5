package dev.tessera.sd.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.PackContext;
import dev.tessera.conformance.Tolerance;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.models.core.sharing.Shared;
import dev.tessera.models.sd.AutoencoderVae;
import dev.tessera.model.api.runtime.PatchedModels;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.ClipConditioning;
import dev.tessera.models.sd.CLIPTextOutput;
import dev.tessera.models.sd.DiagonalGaussian;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.UNetFeatures;
import dev.tessera.sampling.NoiseSource;
import dev.tessera.sampling.Sampler;
import dev.tessera.sampling.Schedule;
import dev.tessera.sampling.diffusers.DiffusersSchedulerConfig;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * The pack's {@code sd15/cases}, run through the same handles the nodes use, on both checkpoint layouts (the
 * diffusers folder, and the single file with its architecture file; the single file's outputs carry a
 * {@code [single-file]} suffix). {@code text_encoder}, {@code unet} and {@code vae} compare one forward pass each
 * (1e-4). The {@code pipeline_*} cases run diffusers' text-to-image pipeline: text encoder on the case's token
 * ids, the scheduler of the case's recorded diffusers config (through {@link DiffusersSchedulerConfig}, not
 * ComfyUI's scheduler names), the guided MODEL handle at the case's cfg from the recorded noise, and the VAE on
 * {@code final_latent / scaling}; they compare timesteps (1e-4), the trajectory (worst step), the final latent and
 * the image (1e-3).
 */
@Component(service = ConformanceFamily.class)
public final class Sd15Family implements ConformanceFamily {

    private static final String SINGLE_FILE = "[single-file]";

    /** Which layouts each case runs on: false = the diffusers folder, true = the single file. */
    private final boolean[] layouts;

    /** Both layouts, as the runner uses it. */
    public Sd15Family() {
        this(new boolean[] {false, true});
    }

    /** Only the given layouts (tests of slow paths, e.g. float16 on the CPU, run one). */
    Sd15Family(boolean... layouts) {
        this.layouts = layouts.clone();
    }

    @Override
    public String name() {
        return "sd15";
    }

    @Override
    public boolean handles(Path caseFile) {
        String name = caseFile.getFileName().toString();
        return name.equals("text_encoder.safetensors") || name.equals("unet.safetensors")
                || name.equals("vae.safetensors") || (name.startsWith("pipeline_") && name.endsWith(".safetensors"));
    }

    @Override
    public CaseOutcome run(PackContext context, Path caseFile) {
        String name = caseFile.getFileName().toString().replaceFirst("\\.safetensors$", "");
        List<Comparison> comparisons = new ArrayList<>();
        try (SafetensorsFile file = SafetensorsFile.open(caseFile)) {
            for (boolean singleFile : layouts) {
                Shared<SdCheckpoint> shared = new Shared<>(open(context, singleFile), s -> s.value().close());
                try (Shared.Lease<SdCheckpoint> lease = shared.lease();
                        NDManager manager = context.manager().newSubManager()) {
                    String suffix = singleFile ? SINGLE_FILE : "";
                    List<Comparison> found = switch (name) {
                        case "text_encoder" -> textEncoder(lease.get(), file, manager);
                        case "unet" -> unet(lease.get(), file, manager);
                        case "vae" -> vae(lease, file, manager);
                        default -> pipeline(lease, file, manager);
                    };
                    found.forEach(c -> comparisons.add(new Comparison(c.output() + suffix, c.kind(), c.error(),
                            c.tolerance())));
                }
            }
        }
        return CaseOutcome.of(comparisons);
    }

    private static SdCheckpoint open(PackContext context, boolean singleFile) {
        Path path = singleFile ? context.resolve("sd15/single-file/tiny-sd15.safetensors")
                : context.resolve("sd15/diffusers");
        Path arch = singleFile ? context.resolve("sd15/single-file/tiny-sd15.arch.json") : null;
        return SdCheckpoint.open(path, arch, List.of(), context.device(), context.dtype(),
                context.manager().newSubManager());
    }

    private static List<Comparison> textEncoder(SdCheckpoint checkpoint, SafetensorsFile file, NDManager manager) {
        try (PatchedModels.Use<CLIPTextModel> use = checkpoint.textEncoders().acquire(List.of())) {
            CLIPTextOutput out = use.model().forward(load(file, "input_ids", manager));
            return List.of(
                    compare("last_hidden_state", out.lastHiddenState(), file, manager, Tolerance.FORWARD_PASS),
                    compare("penultimate_hidden_state", out.penultimateHiddenState(), file, manager,
                            Tolerance.FORWARD_PASS),
                    compare("pooler_output", out.pooledOutput(), file, manager, Tolerance.FORWARD_PASS));
        }
    }

    private static List<Comparison> unet(SdCheckpoint checkpoint, SafetensorsFile file, NDManager manager) {
        try (PatchedModels.Use<UNet2DConditionModel> use = checkpoint.unets().acquire(List.of())) {
            UNet2DConditionModel unet = use.model();
            NDArray sample = load(file, "sample", manager);
            NDArray timesteps = load(file, "timestep", manager);
            NDArray context = load(file, "encoder_hidden_states", manager);
            NDArray out = unet.forward(sample, timesteps, context);
            UNetFeatures features = unet.encode(unet.convIn(sample),
                    unet.timeEmbedding(timesteps, sample.getShape().get(0)), context);
            return List.of(compare("out", out, file, manager, Tolerance.FORWARD_PASS),
                    compare("mid_block_output", features.middle(), file, manager, Tolerance.FORWARD_PASS));
        }
    }

    private static List<Comparison> vae(Shared.Lease<SdCheckpoint> lease, SafetensorsFile file, NDManager manager) {
        try (AutoencoderVae vae = new AutoencoderVae(lease.share())) {
            NDArray decoded = vae.decodeRaw(load(file, "latent", manager));
            DiagonalGaussian posterior = lease.get().vae().encode(load(file, "image", manager));
            return List.of(compare("decoded", decoded, file, manager, Tolerance.FORWARD_PASS),
                    compare("posterior_mean", posterior.mean(), file, manager, Tolerance.FORWARD_PASS),
                    compare("posterior_logvar", posterior.logvar(), file, manager, Tolerance.FORWARD_PASS));
        }
    }

    private static List<Comparison> pipeline(Shared.Lease<SdCheckpoint> lease, SafetensorsFile file,
            NDManager manager) {
        Map<String, String> metadata = file.metadata();
        DiffusersSchedulerConfig config = DiffusersSchedulerConfig.of(json(metadata, "scheduler"));
        int steps = integer(metadata, "steps");
        double cfg = number(metadata, "cfg");
        double scaling = number(metadata, "vae_scaling_factor");
        Schedule schedule = config.schedule(steps);
        Sampler sampler = config.sampler();
        NDArray trajectory = load(file, "trajectory", manager);
        if (trajectory.getShape().get(0) != schedule.steps()) {
            throw new IllegalArgumentException("trajectory: " + trajectory.getShape().get(0) + " steps recorded, the"
                    + " schedule has " + schedule.steps());
        }

        double[] errors = new double[schedule.steps()];
        NDArray finalLatent;
        try (Conditioning positive = encodeIds(lease.get(), load(file, "cond_input_ids", manager), manager);
                Conditioning negative = encodeIds(lease.get(), load(file, "uncond_input_ids", manager), manager);
                SdDiffusionModel model = new SdDiffusionModel(lease.share(), List.of());
                BoundDenoiser guided = model.guided(positive, negative, cfg, manager)) {
            NDArray x = sampler.initialLatent(load(file, "noise", manager), schedule);
            finalLatent = sampler.sample(guided, x, schedule, NoiseSource.seeded(0), step -> {
                try (NDArray expected = trajectory.get(step.step())) {
                    errors[step.step()] = Comparison.relativeL2Error(step.latent(), expected);
                }
            });
        }
        double worst = 0;
        for (double error : errors) {
            worst = Double.isNaN(error) ? error : Math.max(worst, error);
        }
        NDArray image;
        try (AutoencoderVae vae = new AutoencoderVae(lease.share())) {
            image = vae.decodeRaw(finalLatent.div((float) scaling));
        }
        return List.of(
                Comparison.relativeL2("timesteps", schedule.timesteps(), doubles(load(file, "timesteps", manager)),
                        Tolerance.FORWARD_PASS),
                Comparison.relativeL2("trajectory", worst, Tolerance.TRAJECTORY),
                compare("final_latent", finalLatent, file, manager, Tolerance.TRAJECTORY),
                compare("image", image, file, manager, Tolerance.TRAJECTORY));
    }

    /** Token ids {@code [1, 77]} to the conditioning a CLIPTextEncode of them gives (last layer, no weights). */
    private static Conditioning encodeIds(SdCheckpoint checkpoint, NDArray ids, NDManager manager) {
        long[] flat = ids.toType(DataType.INT64, false).toLongArray();
        float[] weights = new float[flat.length];
        java.util.Arrays.fill(weights, 1f);
        int windows = (int) ids.getShape().get(0);
        NDManager owner = manager.newSubManager();
        try (PatchedModels.Use<CLIPTextModel> use = checkpoint.textEncoders().acquire(List.of())) {
            NDList out = ClipConditioning.encode(use.model(), flat, weights, windows, new long[flat.length / windows],
                    -1, owner);
            return Conditioning.owning(owner, List.of(new Conditioning.Entry(out.get(0), out.get(1))));
        }
    }

    private static Comparison compare(String output, NDArray actual, SafetensorsFile file, NDManager manager,
            Tolerance tolerance) {
        return Comparison.relativeL2(output, actual.toType(DataType.FLOAT32, false), load(file, output, manager),
                tolerance);
    }

    private static NDArray load(SafetensorsFile file, String tensor, NDManager manager) {
        if (!file.contains(tensor)) {
            throw new IllegalArgumentException(file.path() + ": no tensor '" + tensor + "'");
        }
        return file.load(tensor, manager);
    }

    private static double[] doubles(NDArray array) {
        return array.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    private static Map<String, Object> json(Map<String, String> metadata, String key) {
        String text = metadata.get(key);
        if (text == null) {
            throw new IllegalArgumentException("metadata '" + key + "' is missing");
        }
        try {
            return new Gson().fromJson(text, new TypeToken<Map<String, Object>>() { }.getType());
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("metadata '" + key + "' is not a JSON object: " + e.getMessage(), e);
        }
    }

    private static int integer(Map<String, String> metadata, String key) {
        double value = number(metadata, key);
        if (value != Math.rint(value)) {
            throw new IllegalArgumentException("metadata '" + key + "' is " + value + ", expected a whole number");
        }
        return (int) value;
    }

    private static double number(Map<String, String> metadata, String key) {
        String text = metadata.get(key);
        if (text == null) {
            throw new IllegalArgumentException("metadata '" + key + "' is missing");
        }
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata '" + key + "' is '" + text + "', expected a number", e);
        }
    }
}
