package dev.tessera.lora.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tessera.lora.Pack;
import dev.tessera.lora.bundle.LoraBundles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/**
 * The extender in a real framework (Felix, as the application runs): LoRA bundles written by {@link LoraBundles}
 * are offered while active and dropped when they stop; bad bundles offer nothing and break nothing.
 */
class LoraBundleExtenderTest {

    @TempDir
    Path dir;
    private Framework framework;
    private BundleContext context;
    private LoraBundleExtender extender;
    private NDManager manager;

    @BeforeEach
    void setUp() throws Exception {
        framework = new FrameworkFactory().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, dir.resolve("framework").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        framework.start();
        context = framework.getBundleContext();
        extender = new LoraBundleExtender(context);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() throws Exception {
        manager.close();
        framework.stop();
        framework.waitForStop(10_000);
    }

    @Test
    void offeredWhileActiveDroppedWhenStoppedAndTheCopyOutlivesTheBundle() throws Exception {
        Path jar = LoraBundles.write(Pack.kohya(), "tiny_style", dir.resolve("jars"), manager).jar();
        Bundle bundle = context.installBundle(jar.toUri().toString());
        assertEquals(List.of(), extender.names(), "installed is not started");
        bundle.start();
        assertEquals(List.of("tiny_style"), extender.names());
        Path copy = extender.find("tiny_style").orElseThrow();
        assertArrayEquals(Files.readAllBytes(Pack.kohya()), Files.readAllBytes(copy));

        bundle.stop();
        assertEquals(List.of(), extender.names());
        assertTrue(extender.find("tiny_style").isEmpty());
        assertTrue(Files.isRegularFile(copy), "a run that took the LoRA before the stop can still read it");

        bundle.start();
        assertEquals(copy, extender.find("tiny_style").orElseThrow(), "a restarted bundle reuses its copy");
        bundle.update(Files.newInputStream(LoraBundles.write(Pack.peft(), "tiny_style", dir.resolve("v2"), manager)
                .jar()));
        Path updated = extender.find("tiny_style").orElseThrow();
        assertNotEquals(copy, updated, "an updated bundle is a new file (and a new cache key)");
        assertArrayEquals(Files.readAllBytes(Pack.peft()), Files.readAllBytes(updated));

        bundle.uninstall();
        assertEquals(List.of(), extender.names());
        extender.deactivate();
        assertFalse(Files.exists(copy.getParent()), "the copies go with the extender");
    }

    @Test
    void theFirstOfTwoBundlesOfferingOneNameKeepsItUntilItStops() throws Exception {
        Bundle first = context.installBundle("first", Files.newInputStream(bundleJar("first", "same;path=a.safetensors",
                "a.safetensors", Files.readAllBytes(Pack.kohya()))));
        Bundle second = context.installBundle("second", Files.newInputStream(bundleJar("second",
                "same;path=b.safetensors,other;path=b.safetensors", "b.safetensors", Files.readAllBytes(Pack.peft()))));
        first.start();
        second.start();
        assertEquals(List.of("same", "other"), extender.names());
        assertArrayEquals(Files.readAllBytes(Pack.kohya()), Files.readAllBytes(extender.find("same").orElseThrow()));
        first.stop();
        assertEquals(List.of("same", "other"), extender.names());
        assertArrayEquals(Files.readAllBytes(Pack.peft()), Files.readAllBytes(extender.find("same").orElseThrow()));
    }

    @Test
    void badBundlesOfferNothingAndTheOthersStillWork() throws Exception {
        byte[] lora = Files.readAllBytes(Pack.kohya());
        List<Path> bad = List.of(
                bundleJar("missing", "gone;path=loras/gone.safetensors", "loras/other.safetensors", lora),
                bundleJar("pickle", "old;path=loras/old.ckpt", "loras/old.ckpt", lora),
                bundleJar("text", "text;path=t.safetensors", "t.safetensors", "not tensors".getBytes()),
                bundleJar("header", "a b c", "x.safetensors", lora));
        for (Path jar : bad) {
            context.installBundle(jar.toUri().toString()).start();
        }
        assertEquals(List.of(), extender.names());
        Bundle good = context.installBundle(LoraBundles.write(Pack.kohya(), "good", dir.resolve("jars"), manager)
                .jar().toUri().toString());
        good.start();
        assertEquals(List.of("good"), extender.names());
        // A bundle without the header is none of the extender's business.
        Bundle plain = context.installBundle("plain", Files.newInputStream(bundleJar("plain", null, "x.txt",
                new byte[] {1})));
        plain.start();
        assertEquals(List.of("good"), extender.names());
    }

    /** A bundle jar with one entry and, unless null, the given LoRA header. */
    private Path bundleJar(String symbolicName, String header, String entry, byte[] content) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, "test." + symbolicName);
        if (header != null) {
            main.putValue(LoraBundles.HEADER, header);
        }
        Path jar = dir.resolve(symbolicName + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            jarOut.putNextEntry(new JarEntry(entry));
            jarOut.write(content);
            jarOut.closeEntry();
        }
        return jar;
    }
}
