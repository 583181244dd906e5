package dev.tessera.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import dev.tessera.sampling.diffusers.DiffusersSchedulerConfig;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The pack's scheduler configs through {@link DiffusersSchedulerConfig}: every case under {@code schedulers/} that
 * records its config must get exactly its {@code timesteps} and {@code sigmas}, and the SD1.5 pipeline cases their
 * timesteps. The sampler trajectories of the same cases (analytic models, recorded ancestral noise) are run by the
 * conformance runner's {@code schedulers} family (bundles/conformance), which uses this same config class.
 */
class SchedulerConformanceTest {

    private static final double SIGMA_TOLERANCE = 1e-6;
    /** Two float32 ulps at 1000: float timesteps (Karras, flow) may differ in the last bit. */
    private static final double TIMESTEP_TOLERANCE = 1.3e-4;

    static Path packDirectory() {
        String dir = System.getProperty("tessera.conformance.dir");
        if (dir == null) {
            throw new AssertionError("system property tessera.conformance.dir is not set (the surefire config sets it)");
        }
        return Path.of(dir);
    }

    @TestFactory
    Stream<DynamicTest> schedulerCases() throws IOException {
        Path dir = packDirectory().resolve("schedulers");
        List<Path> cases;
        try (Stream<Path> files = Files.list(dir)) {
            cases = files.filter(p -> p.toString().endsWith(".safetensors")).filter(
                    SchedulerConformanceTest::hasConfig).sorted().toList();
        }
        assertFalse(cases.isEmpty(), "no scheduler cases with a config under " + dir);
        return cases.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> runCase(file)));
    }

    private static void runCase(Path file) {
        try (SafetensorsFile st = SafetensorsFile.open(file); NDManager manager = NDManager.newBaseManager()) {
            Map<String, String> metadata = st.metadata();
            int steps = (int) st.info("trajectory").shape()[0];
            DiffusersSchedulerConfig config = config(metadata);
            Schedule schedule = config.schedule(steps);

            double timestepError = maxAbsDifference(schedule.timesteps(), toDoubles(st.load("timesteps", manager)));
            assertTrue(timestepError <= TIMESTEP_TOLERANCE, file.getFileName() + ": timesteps differ by "
                    + timestepError + "\n ours " + Arrays.toString(schedule.timesteps()));
            double sigmaError = Double.NaN;
            if (st.contains("sigmas")) {
                sigmaError = maxRelativeDifference(schedule.sigmas(), toDoubles(st.load("sigmas", manager)));
                assertTrue(sigmaError <= SIGMA_TOLERANCE, file.getFileName() + ": sigmas differ by " + sigmaError
                        + "\n ours " + Arrays.toString(schedule.sigmas()));
            }
            assertEquals(expectedSampler(config.schedulerClass()), config.sampler().name(), file.getFileName()
                    + ": sampler of " + config.schedulerClass());
            System.out.printf(Locale.ROOT, "%-40s %-33s steps %2d  sigma max rel %.1e  timestep max abs %.1e%n",
                    file.getFileName(), config.schedulerClass(), steps, sigmaError, timestepError);
            checkFluxShift(metadata);
        }
    }

    /** The whole-pipeline SD1.5 cases: their scheduler configs must give their timesteps. */
    @TestFactory
    Stream<DynamicTest> pipelineTimesteps() throws IOException {
        Path dir = packDirectory().resolve("sd15").resolve("cases");
        List<Path> cases;
        try (Stream<Path> files = Files.list(dir)) {
            cases = files.filter(p -> p.getFileName().toString().startsWith("pipeline_")).sorted().toList();
        }
        assertFalse(cases.isEmpty(), "no pipeline cases under " + dir);
        return cases.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            try (SafetensorsFile st = SafetensorsFile.open(file); NDManager manager = NDManager.newBaseManager()) {
                DiffusersSchedulerConfig config = config(st.metadata());
                double[] expected = toDoubles(st.load("timesteps", manager));
                Schedule schedule = config.schedule(Integer.parseInt(st.metadata().get("steps").trim()));
                assertEquals(0.0, maxAbsDifference(schedule.timesteps(), expected), file.getFileName() + ": "
                        + Arrays.toString(schedule.timesteps()));
                assertEquals(expectedSampler(config.schedulerClass()), config.sampler().name());
            }
        }));
    }

    /** A dynamic-shift case's mu must be the FLUX pipeline's calculate_shift of its image token count. */
    private static void checkFluxShift(Map<String, String> metadata) {
        Map<?, ?> raw = new Gson().fromJson(metadata.get("config"), Map.class);
        String seqLen = metadata.get("image_seq_len");
        if (!Boolean.TRUE.equals(raw.get("use_dynamic_shifting")) || seqLen == null) {
            return;
        }
        Matcher m = Pattern.compile("\\d+").matcher(seqLen);
        assertTrue(m.find(), "image_seq_len " + seqLen);
        assertEquals(((Number) raw.get("mu")).doubleValue(), FlowShift.fluxMu(Integer.parseInt(m.group())), 1e-12);
    }

    private static boolean hasConfig(Path file) {
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            return st.metadata().containsKey("config") || st.metadata().containsKey("scheduler");
        }
    }

    /** Scheduler cases keep their config under "config", pipeline cases under "scheduler". */
    @SuppressWarnings("unchecked")
    private static DiffusersSchedulerConfig config(Map<String, String> metadata) {
        String json = metadata.containsKey("config") ? metadata.get("config") : metadata.get("scheduler");
        return DiffusersSchedulerConfig.of(new Gson().fromJson(json, Map.class));
    }

    /** Which ComfyUI sampler_name reproduces each diffusers class, written out independently of the config class. */
    private static String expectedSampler(String schedulerClass) {
        return switch (schedulerClass) {
            case "DDIMScheduler" -> "ddim";
            case "EulerDiscreteScheduler", "FlowMatchEulerDiscreteScheduler" -> "euler";
            case "EulerAncestralDiscreteScheduler" -> "euler_ancestral";
            case "DPMSolverMultistepScheduler" -> "dpmpp_2m";
            default -> throw new AssertionError("no expectation for " + schedulerClass);
        };
    }

    static double[] toDoubles(NDArray array) {
        float[] f = array.toType(DataType.FLOAT32, false).toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static double maxAbsDifference(double[] actual, double[] expected) {
        assertEquals(expected.length, actual.length, "array length");
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(actual[i] - expected[i]));
        }
        return max;
    }

    static double maxRelativeDifference(double[] actual, double[] expected) {
        assertEquals(expected.length, actual.length, "array length");
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(Math.abs(expected[i]), 1e-30);
            max = Math.max(max, expected[i] == 0 ? Math.abs(actual[i]) : Math.abs(actual[i] - expected[i]) / scale);
        }
        return max;
    }
}
