package dev.tessera.bench.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import dev.tessera.cli.Arguments;
import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.UsageException;
import dev.tessera.tensor.TensorRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code tessera bench <model>}: time per model call (median and spread after warm-up), operations launched per
 * call (libtorch's profiler) and peak memory, on the runtime's device; the figures for people on stderr, one JSON
 * line for scripts on stdout. The device and dtype come from the launcher's {@code --device} and {@code --dtype}
 * (the runtime's); given here too, {@code --device} must name the runtime's device, {@code --dtype} picks the
 * model's dtype.
 */
@Component(service = Command.class)
public final class BenchCommand implements Command {

    static final Set<String> VALUES = Set.of("--device", "--dtype", "--batch", "--size", "--steps", "--warmup",
            "--checkpoint", "--instances", "--prompt", "--tokens", "--layers");
    static final Set<String> FLAGS = Set.of("--random-weights", "--narrow");

    private final TensorRuntime runtime;

    @Activate
    public BenchCommand(@Reference(name = "runtime") TensorRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String synopsis() {
        return "<sd15|sdxl|flux|sd3|mig|attention|llm> [--device D] [--dtype T] [--batch N] [--size PX] [--steps N]"
                + " [--warmup N] [--instances N] [--random-weights | --checkpoint FILE] (flux, sd3: [--narrow])"
                + " (llm: [--prompt N] [--tokens N] [--layers N])";
    }

    @Override
    public String summary() {
        return "Measure one model call on the compute device: ms per step, operations launched, peak memory;"
                + " one JSON line on stdout.";
    }

    @Override
    public int execute(List<String> args, CommandIO io) throws UsageException {
        Arguments a = Arguments.parse(args, VALUES, FLAGS);
        if (a.positionals().size() != 1) {
            throw new UsageException("which model: one of " + String.join(", ", Bench.MODELS));
        }
        String model = a.positionals().get(0);
        if (!Bench.MODELS.contains(model)) {
            throw new UsageException("unknown model '" + model + "'; expected one of " + String.join(", ", Bench.MODELS));
        }
        Device device = runtime.device();
        if (a.value("--device").isPresent() && !sameDevice(a.value("--device").get(), device)) {
            throw new UsageException("--device " + a.value("--device").get() + ": this framework computes on " + device
                    + "; the device is chosen when libtorch loads, so give --device to the tessera launcher");
        }
        DataType dtype = a.value("--dtype").isPresent() ? dtype(a.value("--dtype").get()) : runtime.computeType();
        if (a.flag("--random-weights") && a.value("--checkpoint").isPresent()) {
            throw new UsageException("--random-weights and --checkpoint exclude each other");
        }
        Path checkpoint = a.value("--checkpoint").map(Path::of).orElse(null);
        if (checkpoint != null && !Files.exists(checkpoint)) {
            throw new UsageException("--checkpoint " + checkpoint + ": no such file");
        }
        if (checkpoint != null && model.equals("attention")) {
            throw new UsageException("the attention bench has no weights: no --checkpoint");
        }
        if (model.equals("llm")) {
            return llm(a, device, dtype, io);
        }
        for (String option : List.of("--prompt", "--tokens", "--layers")) {
            if (a.value(option).isPresent()) throw new UsageException(option + " is for the llm bench");
        }
        if (a.flag("--narrow") && !model.equals("flux") && !model.equals("sd3")) {
            throw new UsageException("--narrow is for the flux and sd3 benches");
        }
        if (a.flag("--narrow") && checkpoint != null) {
            throw new UsageException("--narrow builds the topology with random weights: no --checkpoint");
        }
        if (a.value("--instances").isPresent() && !model.equals("mig")) {
            throw new UsageException("--instances is for the mig bench");
        }
        if (model.equals("mig") && a.value("--batch").isPresent() && !a.value("--batch").get().equals("2")) {
            throw new UsageException("the mig bench runs one image with CFG: batch 2");
        }
        int size = positive(a, "--size", model.equals("flux") || model.equals("sdxl") || model.equals("sd3") ? 1024 : 512);
        if (size % 16 != 0) throw new UsageException("--size " + size + ": must be a multiple of 16 pixels");
        Bench.Settings settings = new Bench.Settings(model, device, dtype, positive(a, "--batch", 2), size,
                positive(a, "--steps", 5), nonNegative(a, "--warmup", 1), checkpoint, positive(a, "--instances", 6),
                a.flag("--narrow"));
        Bench.Result result = runtime.call(() -> {
            try (NDManager manager = runtime.newManager("bench")) {
                return Bench.run(settings, manager);
            }
        });
        report(result, io);
        return OK;
    }

    /**
     * The llm bench: Qwen2.5-0.5B's topology with random weights; {@code --prompt} tokens prefilled (default 128),
     * {@code --tokens} decoded (default 32), {@code --layers} of the 24 (default all), {@code --steps} timed runs
     * after one warm-up run (default 2).
     */
    private int llm(Arguments a, Device device, DataType dtype, CommandIO io) throws UsageException {
        for (String option : List.of("--batch", "--size", "--instances", "--warmup")) {
            if (a.value(option).isPresent()) throw new UsageException(option + " is not an option of the llm bench");
        }
        if (a.flag("--narrow")) throw new UsageException("--narrow is for the flux and sd3 benches");
        if (a.value("--checkpoint").isPresent()) {
            throw new UsageException("the llm bench runs Qwen2.5-0.5B's topology with random weights: no --checkpoint");
        }
        int prompt = positive(a, "--prompt", 128);
        int tokens = positive(a, "--tokens", 32);
        int layers = positive(a, "--layers", 24);
        if (layers > 24) throw new UsageException("--layers " + layers + ": Qwen2.5-0.5B has 24");
        int runs = positive(a, "--steps", 2);
        LlmBench.Result r = runtime.call(() -> {
            try (NDManager manager = runtime.newManager("bench")) {
                return LlmBench.run(manager, dtype, prompt, tokens, layers, runs);
            }
        });
        io.err().println("bench llm: " + r.description());
        io.err().printf(Locale.ROOT, "device %s, %s; 1 warm-up run, %d timed%n", device, name(dtype), runs);
        double prefill = Bench.median(r.prefillSeconds());
        io.err().printf(Locale.ROOT, "prefill: %.1f ms, %.1f tokens/s (median)%n", prefill * 1000, prompt / prefill);
        io.err().printf(Locale.ROOT, "decode with the KV cache: %.1f ms/token, %.2f tokens/s (median)%n",
                r.decodeMillis(), 1000 / r.decodeMillis());
        io.err().printf(Locale.ROOT, "operations per decode step: %d (libtorch profiler); most frequent: %s%n",
                r.decodeProfile().total(), r.decodeProfile().mostFrequent(10));
        io.err().printf(Locale.ROOT, "layout constraint: %.2f ms/token (first generation, empty cache: %.2f;"
                + " stand-in vocabulary of %d tokens)%n", r.constraintMillisPerToken(),
                r.constraintFirstMillisPerToken(), LlmBench.QWEN2_ORDINARY_TOKENS);
        io.err().printf(Locale.ROOT, "peak memory: %.1f MiB (process peak resident)%n", r.peakResidentBytes() / 1048576.0);
        JsonObject json = new JsonObject();
        json.addProperty("model", "llm");
        json.addProperty("device", device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu");
        json.addProperty("dtype", name(dtype));
        json.addProperty("ms_per_step", round(r.decodeMillis()));
        json.addProperty("ops_per_call", r.decodeProfile().total());
        json.addProperty("peak_memory_bytes", r.peakResidentBytes());
        json.addProperty("prefill_tokens_per_s", round(prompt / prefill));
        json.addProperty("prefill_ms", round(prefill * 1000));
        json.addProperty("decode_ms_per_token", round(r.decodeMillis()));
        json.addProperty("decode_tokens_per_s", round(1000 / r.decodeMillis()));
        json.addProperty("constraint_ms_per_token", round(r.constraintMillisPerToken()));
        json.addProperty("constraint_first_ms_per_token", round(r.constraintFirstMillisPerToken()));
        json.addProperty("prompt_tokens", prompt);
        json.addProperty("new_tokens", tokens);
        json.addProperty("layers", layers);
        json.addProperty("steps", runs);
        json.addProperty("weights", "random");
        json.addProperty("peak_memory_source", "process peak resident (VmHWM)");
        io.out().println(json);
        return OK;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    static void report(Bench.Result r, CommandIO io) {
        Bench.Settings s = r.settings();
        io.err().println("bench " + s.model() + ": " + r.description());
        io.err().printf(Locale.ROOT, "device %s, %s; %d warm-up call(s), %d timed%n", s.device(), name(s.dtype()),
                s.warmup(), s.steps());
        io.err().printf(Locale.ROOT, "per step: median %.1f ms (min %.1f, max %.1f)%n", r.median(), r.min(), r.max());
        io.err().printf(Locale.ROOT, "operations per call: %d (libtorch profiler, top-level aten operations);"
                + " most frequent: %s%n", r.profile().total(), r.profile().mostFrequent(10));
        if (r.baseline() != null) {
            io.err().printf(Locale.ROOT, "the plain UNet call on the same inputs: %d operations (x%.2f)%n",
                    r.baseline().total(), r.profile().total() / (double) r.baseline().total());
        }
        io.err().printf(Locale.ROOT, "peak memory: %.1f MiB (%s)%n", r.peakMemoryBytes() / 1048576.0,
                r.peakMemorySource());
        JsonObject json = new JsonObject();
        json.addProperty("model", s.model());
        json.addProperty("device", s.device().isGpu() ? "gpu:" + s.device().getDeviceId() : "cpu");
        json.addProperty("dtype", name(s.dtype()));
        json.addProperty("ms_per_step", Math.round(r.median() * 100) / 100.0);
        json.addProperty("ops_per_call", r.profile().total());
        json.addProperty("peak_memory_bytes", r.peakMemoryBytes());
        json.addProperty("min_ms", Math.round(r.min() * 100) / 100.0);
        json.addProperty("max_ms", Math.round(r.max() * 100) / 100.0);
        json.addProperty("batch", s.batch());
        json.addProperty("size", s.size());
        json.addProperty("steps", s.steps());
        json.addProperty("weights", s.checkpoint() == null ? "random" : s.checkpoint().toString());
        if (s.narrow()) {
            // The real depth, heads and tokens with heads of 8 channels: the real launches, not the real times.
            json.addProperty("narrow_head_dim", Bench.NARROW_HEAD_DIM);
        }
        if (r.baseline() != null) {
            json.addProperty("instances", s.instances());
            json.addProperty("plain_ops_per_call", r.baseline().total());
        }
        json.addProperty("peak_memory_source", r.peakMemorySource());
        io.out().println(json);
    }

    private static String name(DataType dtype) {
        return dtype.name().toLowerCase(Locale.ROOT);
    }

    private static boolean sameDevice(String name, Device device) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) return !device.isGpu();
        if (n.equals("gpu") || n.equals("cuda")) return device.isGpu();
        return n.replace("cuda", "gpu").replace(":", "").equals("gpu" + device.getDeviceId()) && device.isGpu();
    }

    private static DataType dtype(String name) throws UsageException {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "float32", "fp32" -> DataType.FLOAT32;
            case "float16", "fp16", "half" -> DataType.FLOAT16;
            default -> throw new UsageException("--dtype " + name + ": expected float32 or float16");
        };
    }

    private static int positive(Arguments a, String option, int fallback) throws UsageException {
        int v = nonNegative(a, option, fallback);
        if (v == 0) throw new UsageException(option + " must be at least 1");
        return v;
    }

    private static int nonNegative(Arguments a, String option, int fallback) throws UsageException {
        if (a.value(option).isEmpty()) return fallback;
        try {
            int v = Integer.parseInt(a.value(option).get());
            if (v < 0) throw new UsageException(option + " " + v + ": must not be negative");
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " " + a.value(option).get() + ": not a whole number");
        }
    }
}
