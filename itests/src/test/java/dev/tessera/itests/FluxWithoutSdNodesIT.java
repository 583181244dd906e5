package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FLUX graph needs no SD bundle (issue 13): {@code tessera.jar} with the sd-nodes bundle taken out (from the
 * launcher's bundle list and the jar) runs the FLUX and ContextGen samples in its own JVM, while the SD1.x loaders are
 * gone from its node list. VAELoader, CLIPTextEncode, KSampler and the VAE nodes come from diffusion-nodes.
 */
class FluxWithoutSdNodesIT {

    private static final String SD_NODES = "jar/sd-nodes-";

    @TempDir
    static Path shared;

    static Path jar;

    @TempDir
    Path work;

    @BeforeAll
    static void jarWithoutSdNodes() throws IOException {
        jar = shared.resolve("tessera-without-sd-nodes.jar");
        withoutSdNodes(TesseraFramework.appJar(), jar);
    }

    @Test
    void theSdNodesAreGoneAndTheFamilyNeutralNodesAreThere() throws Exception {
        JarRun run = JarRun.tessera(jar, java.util.Map.of(), work, "nodes");
        assertEquals(0, run.code(), run::toString);
        List<String> types = run.out().lines().filter(l -> !l.startsWith(" ") && l.contains("  ("))
                .map(l -> l.substring(0, l.indexOf("  ("))).toList();
        for (String sd : List.of("CheckpointLoaderSimple", "CLIPSetLastLayer", "CLIPTextEncodeSDXL")) {
            assertFalse(types.contains(sd), sd + " is sd-nodes': " + types);
        }
        for (String neutral : List.of("VAELoader", "CLIPTextEncode", "KSampler", "VAEDecode", "VAEEncode",
                "UNETLoader", "DualCLIPLoader")) {
            assertTrue(types.contains(neutral), neutral + " is installed: " + types);
        }
    }

    @Test
    void theFluxCustomSamplerSampleRuns() throws Exception {
        PngFile png = sample("flux-dev-custom-sampler");
        assertEquals(64, png.width());
        assertEquals(64, png.height());
    }

    @Test
    void theKontextEditSampleRuns() throws Exception {
        PngFile png = sample("flux-kontext-edit");
        assertEquals(1184, png.width());
        assertEquals(880, png.height());
    }

    @Test
    void theContextGenSamplesRun() throws Exception {
        for (String name : List.of("contextgen-flux-kontext", "contextgen-segment-info")) {
            PngFile png = sample(name);
            assertEquals(128, png.width(), name);
            assertEquals(128, png.height(), name);
        }
    }

    /** {@code sample-workflows/<name>.json} run on the jar without sd-nodes, as {@link JarRun#sample} runs it. */
    private PngFile sample(String name) throws Exception {
        Path workflow = TesseraFramework.repo().resolve("sample-workflows").resolve(name + ".json");
        JarRun run = JarRun.tessera(jar, java.util.Map.of(), work, "run", workflow.toString(), "--out", "out");
        assertEquals(0, run.code(), run::toString);
        run.assertNoStackTrace();
        return PngFile.read(run.savedImage(work, "out/" + name + "_00001_.png", workflow));
    }

    /**
     * A copy of {@code from} without the sd-nodes bundle: its entry dropped and {@code launch.bundles} of
     * {@code launcher.properties} without it; every other entry copied as it is, in order (the manifest first).
     */
    static void withoutSdNodes(Path from, Path to) throws IOException {
        try (ZipFile in = new ZipFile(from.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            boolean dropped = false;
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.getName().startsWith(SD_NODES)) {
                    dropped = true;
                    continue;
                }
                byte[] bytes;
                try (InputStream data = in.getInputStream(entry)) {
                    bytes = data.readAllBytes();
                }
                if (entry.getName().equals("launcher.properties")) {
                    bytes = withoutSdNodes(bytes);
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                copy.setMethod(entry.getMethod());
                if (entry.getMethod() == ZipEntry.STORED) {
                    // The launcher's embedded jars are stored: a stored entry needs its size and CRC up front.
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    copy.setSize(bytes.length);
                    copy.setCompressedSize(bytes.length);
                    copy.setCrc(crc.getValue());
                }
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
            assertTrue(dropped, from + " holds no " + SD_NODES + "*.jar");
        }
    }

    private static byte[] withoutSdNodes(byte[] launcherProperties) throws IOException {
        Properties properties = new Properties();
        properties.load(new java.io.ByteArrayInputStream(launcherProperties));
        String bundles = properties.getProperty("launch.bundles");
        String kept = Arrays.stream(bundles.split(",")).filter(b -> !b.startsWith(SD_NODES))
                .collect(Collectors.joining(","));
        assertTrue(kept.length() < bundles.length(), "launch.bundles names sd-nodes: " + bundles);
        properties.setProperty("launch.bundles", kept);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = bytes) {
            properties.store(out, "tessera.jar without sd-nodes");
        }
        return bytes.toByteArray();
    }
}
