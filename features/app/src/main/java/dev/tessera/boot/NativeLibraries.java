package dev.tessera.boot;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Which libtorch the application loads, decided before the framework starts so a missing or wrong one is one clear
 * message and exit code 1 rather than a failed component deep inside. DJL finds libtorch by itself
 * ({@code ai.djl.pytorch.jni.LibUtils}): the folder in {@code PYTORCH_LIBRARY_PATH} (or on
 * {@code java.library.path}) holding {@code libtorch.so}, else the natives on the class path (the CPU fragment of
 * tessera.jar), else its cache folder or a download. It then loads its own JNI library for the flavor in
 * {@code PYTORCH_FLAVOR} (default {@code cpu-precxx11}, which DJL 0.35 does not ship) from the pytorch-jni jar,
 * which holds it for libtorch 2.7.1 in {@code cpu} and {@code cu128} only. Its CUDA detection needs JNA (not in the
 * application) and it downloads nothing while {@code ai.djl.offline=true}, which the tensor bundle sets. So the
 * order here, applied through the properties DJL reads:
 * <ol>
 * <li>{@code PYTORCH_LIBRARY_PATH}: checked (a libtorch.so there, of version 2.7.1 when the folder says, a flavor
 * the JNI has that matches the folder); an unset {@code PYTORCH_FLAVOR} is taken from the folder
 * ({@code libtorch_cuda.so}: cu128, else cpu).</li>
 * <li>unless the CPU was asked for: a CUDA 2.7.1 build in DJL's cache folder
 * ({@code <cache>/pytorch/2.7.1*-cu128-linux-x86_64}), put on {@code java.library.path} for DJL.</li>
 * <li>the CPU fragment, when this jar has it and no GPU was asked for.</li>
 * <li>only with {@code --allow-download} ({@code tessera.natives.download=true}): the files DJL itself would
 * download (publish.djl.ai, its {@code files.txt} list, into its cache layout), with progress on stderr; then 2.</li>
 * </ol>
 * Otherwise a GPU that was asked for fails with what was looked for and the steps to fix it: never a silent CPU.
 */
final class NativeLibraries {

    /** The libtorch version the bundled JNI (pytorch-jni 2.7.1-0.35.0) is built against. */
    static final String LIBTORCH_VERSION = "2.7.1";
    static final String CUDA_FLAVOR = "cu128";
    static final String CLASSIFIER = "linux-x86_64";
    static final List<String> JNI_FLAVORS = List.of("cpu", CUDA_FLAVOR);
    static final String DOWNLOAD_PROPERTY = "tessera.natives.download";
    static final String DOWNLOAD_URL_PROPERTY = "tessera.natives.url";
    static final String DEFAULT_URL = "https://publish.djl.ai/pytorch/" + LIBTORCH_VERSION;
    /** Where the decision is recorded for {@code tessera doctor}. */
    static final String SOURCE_PROPERTY = "tessera.natives.source";
    static final String DIR_PROPERTY = "tessera.natives.dir";
    private static final String LIB = "libtorch.so";
    private static final String CUDA_LIB = "libtorch_cuda.so";

    /** Why the application cannot start on the libtorch it was given or asked for. */
    static final class NativesException extends Exception {
        NativesException(String message) {
            super(message);
        }
    }

    /** Where libtorch comes from, and the system properties that make DJL load it from there. */
    record Decision(String source, Path dir, String flavor, Map<String, String> properties) {
    }

    enum Want { AUTO, CPU, GPU }

    /** {@code tessera.device}: blank or auto, cpu, gpu / gpu:N / cuda. Anything else is the tensor bundle's to refuse. */
    static Want want(String device) {
        if (device == null || device.isBlank() || device.trim().equalsIgnoreCase("auto")) return Want.AUTO;
        String d = device.trim().toLowerCase(Locale.ROOT);
        if (d.equals("cpu")) return Want.CPU;
        if (d.startsWith("gpu") || d.startsWith("cuda")) return Want.GPU;
        return Want.AUTO;
    }

    /**
     * @param env        environment variables (System::getenv)
     * @param props      system properties (System::getProperty)
     * @param hasFragment whether this jar carries the CPU natives fragment
     * @param err        where download progress goes
     */
    static Decision decide(Want want, boolean allowDownload, boolean hasFragment, UnaryOperator<String> env,
                           UnaryOperator<String> props, PrintStream err) throws NativesException {
        Map<String, String> set = new LinkedHashMap<>();
        String override = env.apply("PYTORCH_LIBRARY_PATH");
        String flavorEnv = firstNonBlank(env.apply("PYTORCH_FLAVOR"), props.apply("PYTORCH_FLAVOR"));
        String versionEnv = firstNonBlank(env.apply("PYTORCH_VERSION"), props.apply("PYTORCH_VERSION"));
        if (versionEnv != null && !versionEnv.startsWith(LIBTORCH_VERSION)) {
            throw new NativesException("PYTORCH_VERSION=" + versionEnv + " but this build's JNI library is for libtorch "
                    + LIBTORCH_VERSION + " only.\n" + steps(want));
        }
        if (override != null && !override.isBlank()) {
            Path dir = libtorchIn(override);
            if (dir == null) {
                throw new NativesException("PYTORCH_LIBRARY_PATH=" + override + " holds no " + LIB + ".\n" + steps(want));
            }
            boolean cuda = Files.exists(dir.resolve(CUDA_LIB));
            String version = declaredVersion(dir);
            if (version != null && !version.startsWith(LIBTORCH_VERSION)) {
                throw new NativesException("the libtorch in " + dir + " is version " + version + " but this build's"
                        + " JNI library needs " + LIBTORCH_VERSION + ".\n" + steps(want));
            }
            String flavor = flavorEnv != null ? flavorEnv : cuda ? CUDA_FLAVOR : "cpu";
            if (!JNI_FLAVORS.contains(flavor)) {
                throw new NativesException("PYTORCH_FLAVOR=" + flavor + ": this build's JNI library exists for "
                        + String.join(" and ", JNI_FLAVORS) + " only.\n" + steps(want));
            }
            if (cuda != flavor.startsWith("cu")) {
                throw new NativesException("PYTORCH_FLAVOR=" + flavor + " but the libtorch in " + dir + " is a "
                        + (cuda ? "CUDA" : "CPU") + " build; set PYTORCH_FLAVOR=" + (cuda ? CUDA_FLAVOR : "cpu")
                        + " or leave it unset.");
            }
            if (want == Want.GPU && !cuda) {
                throw new NativesException("a GPU was asked for, but PYTORCH_LIBRARY_PATH=" + override
                        + " is a CPU libtorch (no " + CUDA_LIB + ").\n" + steps(want));
            }
            if (flavorEnv == null) set.put("PYTORCH_FLAVOR", flavor);
            return new Decision("PYTORCH_LIBRARY_PATH", dir, flavor, set);
        }
        Path cache = djlCache(env, props);
        if (want != Want.CPU) {
            Path cached = cachedCuda(cache);
            if (cached != null) return fromCache(cached, "DJL cache", props, set);
        }
        if (hasFragment && want != Want.GPU) {
            return new Decision("tessera.jar (CPU fragment)", null, "cpu", set);
        }
        if (allowDownload) {
            String flavor = want == Want.CPU ? "cpu" : CUDA_FLAVOR;
            String base = firstNonBlank(props.apply(DOWNLOAD_URL_PROPERTY), DEFAULT_URL);
            Path dir = cache.resolve(LIBTORCH_VERSION + "-" + flavor + "-" + CLASSIFIER);
            download(base, flavor, dir, err);
            return fromCache(dir, "downloaded to the DJL cache", props, set);
        }
        String looked = "looked for: PYTORCH_LIBRARY_PATH (unset), a CUDA build in DJL's cache ("
                + cache.resolve(LIBTORCH_VERSION + "*-" + CUDA_FLAVOR + "-" + CLASSIFIER) + ": none)"
                + (hasFragment ? "" : ", the CPU natives of tessera.jar (this is the slim jar: none)");
        throw new NativesException((want == Want.GPU ? "a GPU was asked for but no CUDA libtorch was found"
                : "no libtorch was found") + ";\n" + looked + ".\n" + steps(want));
    }

    /** The fix, as steps. */
    static String steps(Want want) {
        return "To run on a GPU (libtorch " + LIBTORCH_VERSION + ", CUDA 12.8):\n"
                + "  1. download libtorch-cxx11-abi-shared-with-deps-" + LIBTORCH_VERSION + "+" + CUDA_FLAVOR
                + ".zip from https://pytorch.org/get-started/locally/ and unzip it, e.g. to /opt/libtorch;\n"
                + "  2. PYTORCH_LIBRARY_PATH=/opt/libtorch/lib PYTORCH_FLAVOR=" + CUDA_FLAVOR
                + " java -jar tessera-slim.jar ... --device gpu\n"
                + "  or let tessera fetch DJL's build of it once into DJL's cache: add --allow-download (over 2 GB).\n"
                + (want == Want.GPU ? "Or run on the CPU: --device cpu with tessera.jar." : "Or use tessera.jar (CPU libtorch inside).");
    }

    private static Decision fromCache(Path dir, String source, UnaryOperator<String> props, Map<String, String> set) {
        String flavor = Files.exists(dir.resolve(CUDA_LIB)) ? CUDA_FLAVOR : "cpu";
        String path = props.apply("java.library.path");
        // DJL reads java.library.path after PYTORCH_LIBRARY_PATH; the JVM itself read it at start, so this changes
        // nothing else.
        set.put("java.library.path", dir + (path == null || path.isBlank() ? "" : File.pathSeparator + path));
        set.put("PYTORCH_FLAVOR", flavor);
        return new Decision(source, dir, flavor, set);
    }

    /** The first folder of a path list that holds libtorch.so (a file naming libtorch.so counts as its folder). */
    static Path libtorchIn(String pathList) {
        for (String p : pathList.split(File.pathSeparator)) {
            if (p.isBlank()) continue;
            Path path = Path.of(p).toAbsolutePath();
            if (Files.isRegularFile(path) && path.getFileName().toString().equals(LIB)) return path.getParent();
            if (Files.isRegularFile(path.resolve(LIB))) return path;
        }
        return null;
    }

    /** PyTorch's libtorch zip says its version in {@code build-version} beside {@code lib/}: "2.7.1+cu128". */
    static String declaredVersion(Path libDir) {
        Path file = libDir.resolveSibling("build-version");
        try {
            return Files.isRegularFile(file) ? Files.readString(file).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** DJL's engine cache: ENGINE_CACHE_DIR, else DJL_CACHE_DIR, else ~/.djl.ai; then {@code pytorch}. */
    static Path djlCache(UnaryOperator<String> env, UnaryOperator<String> props) {
        String engine = firstNonBlank(env.apply("ENGINE_CACHE_DIR"), props.apply("ENGINE_CACHE_DIR"));
        if (engine != null) return Path.of(engine).resolve("pytorch");
        String djl = firstNonBlank(env.apply("DJL_CACHE_DIR"), props.apply("DJL_CACHE_DIR"));
        if (djl != null) return Path.of(djl).resolve("pytorch");
        return Path.of(props.apply("user.home"), ".djl.ai", "pytorch");
    }

    /** A {@code 2.7.1*-cu128-linux-x86_64} folder of the cache holding libtorch.so, if any. */
    static Path cachedCuda(Path cache) {
        if (!Files.isDirectory(cache)) return null;
        Pattern name = Pattern.compile(Pattern.quote(LIBTORCH_VERSION) + "(-\\d+)?-" + CUDA_FLAVOR + "-" + CLASSIFIER);
        try (Stream<Path> dirs = Files.list(cache)) {
            return dirs.filter(d -> name.matcher(d.getFileName().toString()).matches())
                    .filter(d -> Files.isRegularFile(d.resolve(LIB))).sorted().findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * What DJL's own download does (LibUtils.downloadPyTorch): {@code <base>/files.txt} lists
     * {@code <flavor>/<classifier>/native/lib/<file>.gz}; each is fetched, gunzipped into a temporary folder of the
     * cache, and the folder renamed to {@code dir} when complete, so an interrupted download leaves nothing DJL
     * would take for a libtorch.
     */
    static void download(String base, String flavor, Path dir, PrintStream err) throws NativesException {
        String prefix = flavor + "/" + CLASSIFIER + "/native/lib/";
        List<String> files = new ArrayList<>();
        try (InputStream in = new URL(base + "/files.txt").openStream()) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line = line.trim();
                if (line.startsWith(prefix) && line.endsWith(".gz")) files.add(line);
            }
        } catch (IOException e) {
            throw new NativesException("cannot read " + base + "/files.txt (" + e + "); download libtorch yourself:\n"
                    + steps(Want.GPU));
        }
        if (files.isEmpty()) {
            throw new NativesException(base + "/files.txt lists no " + prefix + "* files");
        }
        Path tmp = null;
        try {
            Files.createDirectories(dir.getParent());
            tmp = Files.createTempDirectory(dir.getParent(), "download");
            int i = 0;
            for (String file : files) {
                i++;
                String name = java.net.URLDecoder.decode(file.substring(prefix.length(), file.length() - 3),
                        StandardCharsets.UTF_8);
                URL url = new URL(base + "/" + file);
                err.printf("downloading libtorch %s %s (%d/%d): %s%n", LIBTORCH_VERSION, flavor, i, files.size(), url);
                try (InputStream in = new GZIPInputStream(new Progress(url.openStream(), name, err));
                     OutputStream out = Files.newOutputStream(tmp.resolve(name))) {
                    in.transferTo(out);
                }
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            err.println("libtorch " + LIBTORCH_VERSION + " " + flavor + " is in " + dir);
        } catch (IOException e) {
            throw new NativesException("downloading libtorch into " + dir + " failed: " + e);
        } finally {
            if (tmp != null) deleteTree(tmp);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless: DJL never reads it
        }
    }

    /** Compressed bytes read so far, on one stderr line per file, at most every 8 MiB. */
    private static final class Progress extends java.io.FilterInputStream {
        private final String name;
        private final PrintStream err;
        private long read;
        private long shown;

        Progress(InputStream in, String name, PrintStream err) {
            super(in);
            this.name = name;
            this.err = err;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) read += n;
            if (read - shown >= (8 << 20)) {
                shown = read;
                err.printf("\r  %s: %d MiB", name, read >> 20);
                err.flush();
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            super.close();
            err.printf("\r  %s: %d MiB, done%n", name, read >> 20);
        }
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
    }
}
