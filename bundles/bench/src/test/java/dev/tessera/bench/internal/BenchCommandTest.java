package dev.tessera.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.UsageException;
import dev.tessera.testing.CpuRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code tessera bench} on this machine's CPU, at sizes a test can afford. */
class BenchCommandTest {

    static final Path PACK = Path.of(System.getProperty("tessera.conformance.dir", "../../testdata/conformance"));

    private final CpuRuntime runtime = new CpuRuntime();
    private ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void close() {
        runtime.close();
    }

    private JsonObject bench(String... args) throws UsageException {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        int code = new BenchCommand(runtime).execute(List.of(args), new CommandIO(
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false));
        assertEquals(Command.OK, code, err::toString);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), "stdout is the one JSON line: " + lines);
        return JsonParser.parseString(lines.get(0)).getAsJsonObject();
    }

    @Test
    void attentionGivesTheJsonLineWithTheSameOperationCountEveryTime() throws Exception {
        JsonObject first = bench("attention", "--size", "64", "--batch", "1", "--steps", "3");
        for (String key : List.of("model", "device", "dtype", "ms_per_step", "ops_per_call", "peak_memory_bytes")) {
            assertTrue(first.has(key), key + " in " + first);
        }
        assertEquals("attention", first.get("model").getAsString());
        assertEquals("cpu", first.get("device").getAsString());
        assertEquals("float32", first.get("dtype").getAsString());
        assertTrue(first.get("ms_per_step").getAsDouble() > 0, first::toString);
        assertTrue(first.get("min_ms").getAsDouble() <= first.get("ms_per_step").getAsDouble());
        assertTrue(first.get("ms_per_step").getAsDouble() <= first.get("max_ms").getAsDouble());
        int ops = first.get("ops_per_call").getAsInt();
        assertTrue(ops >= 3 && ops < 40, "q k^T, softmax, @ v and a few reshapes: " + first);
        assertTrue(first.get("peak_memory_bytes").getAsLong() > 0, first::toString);
        String human = err.toString(StandardCharsets.UTF_8);
        assertTrue(human.contains("per step: median") && human.contains("operations per call: " + ops), human);

        JsonObject half = bench("attention", "--size", "64", "--batch", "1", "--steps", "1", "--dtype", "float16");
        assertEquals("float16", half.get("dtype").getAsString());
        assertEquals(ops, half.get("ops_per_call").getAsInt(), "the same launches in float16");
    }

    /** The pack's tiny SD1.5 through --checkpoint: the real UNet code path, counted by the profiler. */
    @Test
    void sd15FromACheckpointCountsTheUnetsLaunches() throws Exception {
        Path tiny = PACK.resolve("sd15/single-file/tiny-sd15.safetensors");
        JsonObject r = bench("sd15", "--checkpoint", tiny.toString(), "--size", "64", "--steps", "2");
        assertEquals("sd15", r.get("model").getAsString());
        assertEquals(tiny.toString(), r.get("weights").getAsString());
        int ops = r.get("ops_per_call").getAsInt();
        assertTrue(ops > 200, "a UNet call launches hundreds of operations: " + r);
        String human = err.toString(StandardCharsets.UTF_8);
        assertTrue(human.contains("aten::conv2d="), human);
        assertEquals(ops, bench("sd15", "--checkpoint", tiny.toString(), "--size", "64", "--steps", "1")
                .get("ops_per_call").getAsInt(), "deterministic");
    }

    /** The pack's tiny FLUX through --checkpoint: the double and single blocks' launches, counted. */
    @Test
    void fluxFromACheckpointCountsTheTransformersLaunches() throws Exception {
        Path tiny = PACK.resolve("flux/single-file/tiny-flux.safetensors");
        JsonObject r = bench("flux", "--checkpoint", tiny.toString(), "--size", "128", "--batch", "1", "--steps", "1");
        assertEquals("flux", r.get("model").getAsString());
        int ops = r.get("ops_per_call").getAsInt();
        assertTrue(ops > 100, "two double and two single blocks launch over a hundred operations: " + r);
        String human = err.toString(StandardCharsets.UTF_8);
        assertTrue(human.contains("2 double + 2 single blocks") && human.contains("operations per call: " + ops),
                human);
    }

    /** The pack's tiny SD3 MMDiT through --checkpoint (its arch file beside it): the joint blocks' launches. */
    @Test
    void sd3FromACheckpointCountsTheMmditsLaunches() throws Exception {
        Path tiny = PACK.resolve("sd3/single-file/tiny-sd3.safetensors");
        JsonObject r = bench("sd3", "--checkpoint", tiny.toString(), "--size", "128", "--steps", "1");
        assertEquals("sd3", r.get("model").getAsString());
        int ops = r.get("ops_per_call").getAsInt();
        assertTrue(ops > 50, "two joint blocks launch dozens of operations: " + r);
        String human = err.toString(StandardCharsets.UTF_8);
        assertTrue(human.contains("SD3 MMDiT") && human.contains("2 joint blocks") && human.contains("64 image tokens"),
                human);
        assertEquals(ops, bench("sd3", "--checkpoint", tiny.toString(), "--size", "128", "--steps", "1")
                .get("ops_per_call").getAsInt(), "deterministic");
    }

    /** The SDXL bench on the tiny SDXL sample checkpoint: the added conditioning path, counted by the profiler. */
    @Test
    void sdxlFromACheckpointCountsTheUnetsLaunches() throws Exception {
        Path tiny = PACK.toAbsolutePath().getParent().getParent()
                .resolve("sample-workflows/models/checkpoints/tiny-sdxl.safetensors");
        JsonObject r = bench("sdxl", "--checkpoint", tiny.toString(), "--size", "64", "--steps", "1");
        assertEquals("sdxl", r.get("model").getAsString());
        int ops = r.get("ops_per_call").getAsInt();
        assertTrue(ops > 200, "an SDXL UNet call launches hundreds of operations: " + r);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("SDXL UNet (weights of tiny-sdxl.safetensors)"));
    }

    /** A MIGLoRA step on the tiny UNet: more launches than the plain call, both counted on the same inputs. */
    @Test
    void migCountsTheHookedStepAndThePlainCall() throws Exception {
        Path tiny = PACK.resolve("sd15/single-file/tiny-sd15.safetensors");
        JsonObject r = bench("mig", "--checkpoint", tiny.toString(), "--size", "64", "--steps", "1", "--instances", "3");
        assertEquals("mig", r.get("model").getAsString());
        assertEquals(3, r.get("instances").getAsInt());
        int plain = r.get("plain_ops_per_call").getAsInt();
        int mig = r.get("ops_per_call").getAsInt();
        assertTrue(plain > 200 && mig > plain, "the hook adds the encoder and the fusion: " + r);
        JsonObject sd15 = bench("sd15", "--checkpoint", tiny.toString(), "--size", "64", "--steps", "1");
        assertEquals(sd15.get("ops_per_call").getAsInt(), plain, "the plain call is the sd15 bench's call");
    }

    /**
     * The llm bench at Qwen2.5-0.5B's widths and vocabulary cut to one layer: prefill, decode with the KV cache, the
     * decode step's launches and the constraint's cost, in the JSON line.
     */
    @Test
    void llmMeasuresPrefillDecodeAndTheConstraint() throws Exception {
        JsonObject r = bench("llm", "--layers", "1", "--prompt", "8", "--tokens", "4", "--steps", "1");
        for (String key : List.of("model", "device", "dtype", "ms_per_step", "ops_per_call", "peak_memory_bytes",
                "prefill_tokens_per_s", "decode_ms_per_token", "constraint_ms_per_token")) {
            assertTrue(r.has(key), key + " in " + r);
        }
        assertEquals("llm", r.get("model").getAsString());
        assertEquals(1, r.get("layers").getAsInt());
        assertTrue(r.get("prefill_tokens_per_s").getAsDouble() > 0, r::toString);
        assertEquals(r.get("ms_per_step").getAsDouble(), r.get("decode_ms_per_token").getAsDouble(), r::toString);
        // One layer: its norms, q/k/v with biases, RoPE, attention over the cache, o, SwiGLU; then the head.
        int ops = r.get("ops_per_call").getAsInt();
        assertTrue(ops > 15 && ops < 200, r::toString);
        assertTrue(r.get("constraint_ms_per_token").getAsDouble() > 0, r::toString);
        String human = err.toString(StandardCharsets.UTF_8);
        assertTrue(human.contains("1 of 24 layers") && human.contains("tokens/s") && human.contains("ms/token"), human);
    }

    @Test
    void wrongArgumentsAreUsageErrors() {
        BenchCommand command = new BenchCommand(runtime);
        CommandIO io = new CommandIO(new PrintStream(out), new PrintStream(err), false);
        for (List<String> args : List.<List<String>>of(List.of(), List.of("sd2"), List.of("attention", "--device", "gpu"),
                List.of("attention", "--dtype", "int8"), List.of("attention", "--steps", "0"),
                List.of("sd15", "--checkpoint", "/no/such.safetensors"),
                List.of("sd15", "--random-weights", "--checkpoint", "x"), List.of("sd15", "--instances", "4"),
                List.of("mig", "--batch", "4"), List.of("mig", "--instances", "0"),
                List.of("attention", "--size", "100"), List.of("llm", "--size", "64"), List.of("llm", "--layers", "25"),
                List.of("llm", "--checkpoint", "x"), List.of("sd15", "--layers", "2"), List.of("llm", "--tokens", "0"),
                List.of("sd15", "--narrow"), List.of("llm", "--narrow"))) {
            assertThrows(UsageException.class, () -> command.execute(args, io), args::toString);
        }
    }
}
