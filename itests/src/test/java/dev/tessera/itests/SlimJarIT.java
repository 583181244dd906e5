package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slim distribution (features/app/target/tessera-slim.jar): no libtorch inside, so it runs on whatever libtorch
 * the machine names with PYTORCH_LIBRARY_PATH. Here that is the CPU libtorch taken out of the full jar's native
 * fragment, the same files a user unpacks, so the slim jar must draw the same image as the full one.
 */
class SlimJarIT {

    static final Path REPO = TesseraFramework.repo();
    static final Path FULL = TesseraFramework.appJar();
    static final Path SLIM = FULL.resolveSibling("tessera-slim.jar");
    static final Path WORKFLOW = REPO.resolve("sample-workflows/sd15-txt2img.json");
    static final String FRAGMENT = "jar/tensor-native-cpu-";
    static final String NATIVES = "pytorch/cpu/linux-x86_64/";

    @TempDir
    Path work;

    @Test
    void theSlimJarHasNoNativesAndIsUnder40MB() throws IOException {
        assertTrue(Files.isRegularFile(SLIM), "built beside tessera.jar: " + SLIM);
        long size = Files.size(SLIM);
        assertTrue(size < 40L * 1024 * 1024, "tessera-slim.jar is " + size + " bytes");
        try (JarFile jar = new JarFile(SLIM.toFile())) {
            List<String> natives = jar.stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith(FRAGMENT) || n.endsWith(".so") || n.endsWith("pytorch.properties"))
                    .toList();
            assertEquals(List.of(), natives, "no libtorch in the slim jar");
            String launcher = new String(jar.getInputStream(jar.getEntry("launcher.properties")).readAllBytes());
            assertTrue(launcher.contains("tensor-0.1.0"), "the tensor bundle is there: " + launcher);
            assertTrue(!launcher.contains("tensor-native-cpu"), launcher);
        }
        try (JarFile jar = new JarFile(FULL.toFile())) {
            assertTrue(jar.stream().anyMatch(e -> e.getName().startsWith(FRAGMENT)), "the full jar keeps them");
        }
    }

    @Test
    void theSlimJarRunsTheSd15SampleOnTheCpuLibtorchOfTheFragmentAndDrawsTheFullJarsImage() throws Exception {
        Path libtorch = extractCpuLibtorch(work.resolve("libtorch"));
        Path models = REPO.resolve("sample-workflows/models");
        // A fresh DJL cache: nothing may come from ~/.djl.ai, only from the folder named and the bundled JNI.
        // No PYTORCH_FLAVOR: the launcher takes it from the folder (DJL's own default has no JNI library).
        Map<String, String> env = Map.of("PYTORCH_LIBRARY_PATH", libtorch.toString(),
                "ENGINE_CACHE_DIR", work.resolve("djl-cache").toString());
        Path slimWork = Files.createDirectories(work.resolve("slim"));
        JarRun slim = JarRun.tessera(SLIM, env, slimWork, "run", WORKFLOW.toString(), "--models", models.toString(),
                "--out", "out");
        assertEquals(0, slim.code(), slim::toString);
        slim.assertNoStackTrace();
        byte[] slimPng = slim.savedImage(slimWork, "out/sd15-txt2img_00001_.png", WORKFLOW);

        Path fullWork = Files.createDirectories(work.resolve("full"));
        JarRun full = JarRun.tessera(fullWork, "run", WORKFLOW.toString(), "--models", models.toString(),
                "--out", "out");
        assertEquals(0, full.code(), full::toString);
        byte[] fullPng = full.savedImage(fullWork, "out/sd15-txt2img_00001_.png", WORKFLOW);
        assertArrayEquals(pixels(fullPng), pixels(slimPng), "same libtorch, same seed: the same pixels");
    }

    /** {@code tessera doctor} and {@code tessera bench} from both jars, each saying where its libtorch came from. */
    @Test
    void doctorAndBenchRunFromBothJars() throws Exception {
        Path libtorch = extractCpuLibtorch(work.resolve("libtorch"));
        Map<String, String> slimEnv = Map.of("PYTORCH_LIBRARY_PATH", libtorch.toString(),
                "ENGINE_CACHE_DIR", work.resolve("djl-cache").toString());
        for (Path jar : List.of(SLIM, FULL)) {
            Map<String, String> env = jar.equals(SLIM) ? slimEnv : Map.of();
            JarRun doctor = JarRun.tessera(jar, env, work, "doctor", "--device", "cpu");
            assertEquals(0, doctor.code(), doctor::toString);
            assertTrue(doctor.out().contains("djl: 0.35.0, engine PyTorch 2.7.1"), doctor::toString);
            assertTrue(doctor.out().contains(jar.equals(SLIM)
                    ? "loaded from " + libtorch + " (chosen by: PYTORCH_LIBRARY_PATH)"
                    : "(chosen by: tessera.jar (CPU fragment))"), doctor::toString);
            assertTrue(doctor.out().contains("conv+matmul+softmax cpu() float16  ok"), doctor::toString);
            assertTrue(doctor.out().endsWith("doctor: all checks passed\n"), doctor::toString);

            JarRun bench = JarRun.tessera(jar, env, work, "bench", "attention", "--size", "64", "--batch", "1",
                    "--steps", "2", "--dtype", "float16");
            assertEquals(0, bench.code(), bench::toString);
            bench.assertNoStackTrace();
            com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(bench.out().strip())
                    .getAsJsonObject();
            assertEquals("attention", json.get("model").getAsString(), bench::toString);
            assertEquals("float16", json.get("dtype").getAsString(), "--dtype reached the runtime: " + bench);
            assertTrue(json.get("ops_per_call").getAsInt() > 0, bench::toString);
        }
    }

    /** Asking for a GPU without a CUDA libtorch: one message with what was looked for and the steps, exit 1. */
    @Test
    void aGpuWithoutACudaLibtorchIsRefusedBeforeTheFrameworkStartsAndNeverRunsOnTheCpu() throws Exception {
        Map<String, String> env = Map.of("ENGINE_CACHE_DIR", work.resolve("djl-cache").toString());
        for (Path jar : List.of(SLIM, FULL)) {
            JarRun run = JarRun.tessera(jar, env, work, "run", WORKFLOW.toString(), "--device", "gpu");
            assertEquals(1, run.code(), run::toString);
            run.assertNoStackTrace();
            assertTrue(run.err().startsWith("error: a GPU was asked for but no CUDA libtorch was found"), run::toString);
            assertTrue(run.err().contains("PYTORCH_LIBRARY_PATH=/opt/libtorch/lib PYTORCH_FLAVOR=cu128"), run::toString);
            assertTrue(run.err().contains("--allow-download"), run::toString);
            assertEquals("", run.out(), "nothing ran: " + run);
        }
        JarRun slimCpu = JarRun.tessera(SLIM, env, work, "run", WORKFLOW.toString());
        assertEquals(1, slimCpu.code(), slimCpu::toString);
        assertTrue(slimCpu.err().contains("no libtorch was found") && slimCpu.err().contains("this is the slim jar"),
                slimCpu::toString);
        JarRun wrong = JarRun.tessera(SLIM, Map.of("PYTORCH_LIBRARY_PATH", work.toString()), work, "nodes");
        assertEquals(1, wrong.code(), wrong::toString);
        assertTrue(wrong.err().contains("PYTORCH_LIBRARY_PATH=" + work + " holds no libtorch.so"), wrong::toString);
    }

    /** The fragment's {@code pytorch/cpu/linux-x86_64/*} from the full jar, as a user would unpack them. */
    static Path extractCpuLibtorch(Path target) throws IOException {
        Files.createDirectories(target);
        try (JarFile full = new JarFile(FULL.toFile())) {
            ZipEntry fragment = full.stream().filter(e -> e.getName().startsWith(FRAGMENT)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + FRAGMENT + "* in " + FULL));
            try (InputStream in = full.getInputStream(fragment); ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    if (!e.isDirectory() && e.getName().startsWith(NATIVES)) {
                        Files.copy(zip, target.resolve(e.getName().substring(NATIVES.length())),
                                StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        assertTrue(Files.isRegularFile(target.resolve("libtorch.so")), "libtorch.so in " + target);
        return target;
    }

    private static int[] pixels(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
