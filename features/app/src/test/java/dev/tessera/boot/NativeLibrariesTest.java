package dev.tessera.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.boot.NativeLibraries.Decision;
import dev.tessera.boot.NativeLibraries.NativesException;
import dev.tessera.boot.NativeLibraries.Want;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where libtorch comes from, on folders laid out as libtorch's zip and DJL's cache lay them out. */
class NativeLibrariesTest {

    @TempDir
    Path tmp;

    final Map<String, String> env = new HashMap<>();
    final Map<String, String> props = new HashMap<>();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void cache() {
        env.put("ENGINE_CACHE_DIR", tmp.resolve("djl").toString());
        props.put("user.home", tmp.resolve("home").toString());
    }

    private Decision decide(Want want, boolean download, boolean fragment) throws NativesException {
        return NativeLibraries.decide(want, download, fragment, env::get, props::get,
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String fails(Want want, boolean download, boolean fragment) {
        return assertThrows(NativesException.class, () -> decide(want, download, fragment)).getMessage();
    }

    /** A libtorch zip's layout: libtorch/lib/*.so and libtorch/build-version. */
    private Path libtorch(String name, String version, boolean cuda) throws IOException {
        Path lib = Files.createDirectories(tmp.resolve(name).resolve("lib"));
        Files.write(lib.resolve("libtorch.so"), new byte[] {1});
        if (cuda) Files.write(lib.resolve("libtorch_cuda.so"), new byte[] {1});
        if (version != null) Files.writeString(lib.resolveSibling("build-version"), version + "\n");
        return lib;
    }

    @Test
    void theWantedDeviceIsReadAsDjlAndTheTensorBundleSpellIt() {
        assertEquals(Want.AUTO, NativeLibraries.want(null));
        assertEquals(Want.AUTO, NativeLibraries.want(" auto "));
        assertEquals(Want.CPU, NativeLibraries.want("CPU"));
        assertEquals(Want.GPU, NativeLibraries.want("gpu:1"));
        assertEquals(Want.GPU, NativeLibraries.want("cuda"));
    }

    @Test
    void pytorchLibraryPathWinsAndItsFlavorIsTakenFromTheFolder() throws Exception {
        Path cpu = libtorch("cpu", "2.7.1+cpu", false);
        env.put("PYTORCH_LIBRARY_PATH", cpu.toString());
        Decision d = decide(Want.AUTO, false, true);
        assertEquals("PYTORCH_LIBRARY_PATH", d.source());
        assertEquals(cpu.toAbsolutePath(), d.dir());
        assertEquals(Map.of("PYTORCH_FLAVOR", "cpu"), d.properties(), "DJL's own default, cpu-precxx11, has no JNI");

        Path cuda = libtorch("cuda", "2.7.1+cu128", true);
        env.put("PYTORCH_LIBRARY_PATH", "/nowhere" + java.io.File.pathSeparator + cuda);
        d = decide(Want.GPU, false, false);
        assertEquals(cuda.toAbsolutePath(), d.dir());
        assertEquals("cu128", d.flavor());
        assertEquals(Map.of("PYTORCH_FLAVOR", "cu128"), d.properties());

        env.put("PYTORCH_FLAVOR", "cu128");
        assertEquals(Map.of(), decide(Want.GPU, false, false).properties(), "a flavor the user set is left alone");
    }

    @Test
    void aWrongPytorchLibraryPathIsRefusedWithTheReasonAndTheSteps() throws Exception {
        env.put("PYTORCH_LIBRARY_PATH", tmp.resolve("empty").toString());
        String m = fails(Want.AUTO, false, true);
        assertTrue(m.contains("PYTORCH_LIBRARY_PATH=" + tmp.resolve("empty") + " holds no libtorch.so"), m);
        assertTrue(m.contains("PYTORCH_FLAVOR=cu128") && m.contains("--allow-download"), "the steps: " + m);

        env.put("PYTORCH_LIBRARY_PATH", libtorch("old", "2.5.1+cu124", true).toString());
        m = fails(Want.GPU, false, false);
        assertTrue(m.contains("version 2.5.1+cu124") && m.contains("needs 2.7.1"), m);

        env.put("PYTORCH_LIBRARY_PATH", libtorch("cpu", null, false).toString());
        env.put("PYTORCH_FLAVOR", "cu128");
        m = fails(Want.AUTO, false, false);
        assertTrue(m.contains("PYTORCH_FLAVOR=cu128 but the libtorch in") && m.contains("is a CPU build"), m);

        env.put("PYTORCH_FLAVOR", "cu118");
        m = fails(Want.AUTO, false, false);
        assertTrue(m.contains("exists for cpu and cu128 only"), m);

        env.remove("PYTORCH_FLAVOR");
        m = fails(Want.GPU, false, true);
        assertTrue(m.contains("a GPU was asked for") && m.contains("is a CPU libtorch"), "never a silent CPU: " + m);

        env.put("PYTORCH_VERSION", "2.6.0");
        m = fails(Want.AUTO, false, true);
        assertTrue(m.contains("PYTORCH_VERSION=2.6.0") && m.contains("libtorch 2.7.1 only"), m);
    }

    @Test
    void aCudaBuildInDjlsCacheIsUsedUnlessTheCpuWasAskedFor() throws Exception {
        Path cached = Files.createDirectories(tmp.resolve("djl/pytorch/2.7.1-20250812-cu128-linux-x86_64"));
        Files.write(cached.resolve("libtorch.so"), new byte[] {1});
        Files.write(cached.resolve("libtorch_cuda.so"), new byte[] {1});
        // DJL's CPU folder of the same version is not a CUDA build.
        Files.createDirectories(tmp.resolve("djl/pytorch/2.7.1-cpu-linux-x86_64"));
        props.put("java.library.path", "/usr/lib");
        Decision d = decide(Want.GPU, false, false);
        assertEquals("DJL cache", d.source());
        assertEquals(cached, d.dir());
        assertEquals(cached + java.io.File.pathSeparator + "/usr/lib", d.properties().get("java.library.path"));
        assertEquals("cu128", d.properties().get("PYTORCH_FLAVOR"));
        assertEquals("DJL cache", decide(Want.AUTO, false, true).source());
        assertEquals("tessera.jar (CPU fragment)", decide(Want.CPU, false, true).source());
    }

    @Test
    void withoutNativesAGpuRequestFailsSayingWhatWasLookedForAndNeverFallsBackToTheCpu() throws Exception {
        assertEquals("tessera.jar (CPU fragment)", decide(Want.AUTO, false, true).source());
        assertNull(decide(Want.AUTO, false, true).dir());
        String m = fails(Want.GPU, false, true);
        assertTrue(m.startsWith("a GPU was asked for but no CUDA libtorch was found"), m);
        assertTrue(m.contains("PYTORCH_LIBRARY_PATH (unset)") && m.contains(tmp.resolve("djl/pytorch").toString()), m);
        assertTrue(m.contains("1. download libtorch-cxx11-abi-shared-with-deps-2.7.1+cu128.zip"), m);
        m = fails(Want.AUTO, false, false);
        assertTrue(m.startsWith("no libtorch was found") && m.contains("this is the slim jar"), m);
    }

    @Test
    void withConsentItFetchesDjlsBuildIntoDjlsCacheAndUsesIt() throws Exception {
        // The layout of publish.djl.ai/pytorch/2.7.1: files.txt, then <flavor>/<classifier>/native/lib/<file>.gz.
        Path site = Files.createDirectories(tmp.resolve("site"));
        Path lib = Files.createDirectories(site.resolve("cu128/linux-x86_64/native/lib"));
        gz(lib.resolve("libtorch.so.gz"), "torch");
        gz(lib.resolve("libtorch_cuda.so.gz"), "cuda");
        gz(lib.resolve("libc10.so.gz"), "c10");
        Files.writeString(site.resolve("files.txt"), "cpu/linux-x86_64/native/lib/libtorch.so.gz\n"
                + "cu128/linux-x86_64/native/lib/libtorch.so.gz\ncu128/linux-x86_64/native/lib/libtorch_cuda.so.gz\n"
                + "cu128/linux-x86_64/native/lib/libc10.so.gz\n");
        props.put(NativeLibraries.DOWNLOAD_URL_PROPERTY, site.toUri().toString().replaceAll("/$", ""));

        assertTrue(fails(Want.GPU, false, false).contains("--allow-download"), "no download without consent");
        Decision d = decide(Want.GPU, true, false);
        Path dir = tmp.resolve("djl/pytorch/2.7.1-cu128-linux-x86_64");
        assertEquals(dir, d.dir());
        assertEquals("cu128", d.flavor());
        assertEquals("torch", Files.readString(dir.resolve("libtorch.so")));
        assertEquals("cuda", Files.readString(dir.resolve("libtorch_cuda.so")));
        assertEquals("c10", Files.readString(dir.resolve("libc10.so")));
        String progress = err.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("downloading libtorch 2.7.1 cu128 (1/3)") && progress.contains("(3/3)"), progress);
        // Next time the cache has it: no download.
        err.reset();
        assertEquals("DJL cache", decide(Want.GPU, false, false).source());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFailedDownloadLeavesNothingDjlWouldTakeForALibtorch() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(site.resolve("files.txt"), "cu128/linux-x86_64/native/lib/libtorch.so.gz\n");
        props.put(NativeLibraries.DOWNLOAD_URL_PROPERTY, site.toUri().toString().replaceAll("/$", ""));
        String m = fails(Want.GPU, true, false);
        assertTrue(m.contains("downloading libtorch into") && m.contains("failed"), m);
        try (var left = Files.list(tmp.resolve("djl/pytorch"))) {
            assertEquals(0, left.count(), "no partial folder");
        }
    }

    private static void gz(Path file, String content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }
}
