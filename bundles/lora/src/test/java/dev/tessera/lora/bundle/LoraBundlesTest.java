package dev.tessera.lora.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tessera.lora.LoraException;
import dev.tessera.lora.Pack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing a LoRA bundle from a checked file, and reading the header that declares its files. */
class LoraBundlesTest {

    @TempDir
    Path dir;
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void theJarIsABundleHoldingTheFileUnderItsDeclaredPath() throws IOException {
        LoraBundles.Written written = LoraBundles.write(Pack.kohya(), "tiny-kohya", dir.resolve("out"), manager);
        assertEquals(dir.resolve("out/lora-tiny-kohya.jar"), written.jar());
        assertEquals("dev.tessera.lora.pack.tiny-kohya", written.symbolicName());
        assertEquals(Pack.shapes("lora/tiny-sd15-kohya.safetensors").keySet().stream()
                .filter(k -> k.endsWith(".lora_down.weight")).count(), written.modules(), "one module per down factor");
        try (JarFile jar = new JarFile(written.jar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("2", main.getValue("Bundle-ManifestVersion"));
            assertEquals(written.symbolicName(), main.getValue("Bundle-SymbolicName"));
            assertEquals("1.0.0", main.getValue("Bundle-Version"));
            String header = main.getValue(LoraBundles.HEADER);
            assertEquals(List.of(new LoraBundles.Declared("tiny-kohya", "loras/tiny-kohya.safetensors")),
                    LoraBundles.parse(header));
            JarEntry entry = jar.getJarEntry("loras/tiny-kohya.safetensors");
            assertNotNull(entry, "the declared entry");
            assertEquals(ZipEntry.STORED, entry.getMethod());
            try (var in = jar.getInputStream(entry)) {
                assertArrayEquals(Files.readAllBytes(Pack.kohya()), in.readAllBytes());
            }
        }
        try (var files = Files.list(dir.resolve("out"))) {
            assertEquals(List.of(written.jar()), files.toList(), "no partial file left behind");
        }
    }

    @Test
    void aFileThatIsNotALoraIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.safetensors"), "these are not tensors");
        LoraException e = assertThrows(LoraException.class,
                () -> LoraBundles.write(text, "notes", dir.resolve("out"), manager));
        assertTrue(e.getMessage().contains("notes.safetensors") && e.getMessage().contains("not a readable LoRA"),
                e.getMessage());
        // A valid safetensors file that holds no factor pairs (a UNet case of the pack) is not a LoRA either.
        LoraException noPairs = assertThrows(LoraException.class, () -> LoraBundles.write(
                Pack.root().resolve("sd15/cases/unet.safetensors"), "unet", dir.resolve("out"), manager));
        assertTrue(noPairs.getMessage().contains("no LoRA factor pairs"), noPairs.getMessage());
        assertFalse(Files.exists(dir.resolve("out/lora-notes.jar")));
        assertFalse(Files.exists(dir.resolve("out/lora-unet.jar")));
    }

    @Test
    void namesAreCheckedAndDefaultNamesAreValid() {
        LoraException e = assertThrows(LoraException.class,
                () -> LoraBundles.write(Pack.kohya(), "../evil", dir, manager));
        assertTrue(e.getMessage().contains("'../evil' is not valid"), e.getMessage());
        for (String bad : List.of("", ".hidden", "a..b", "a/b", "a;b", "a,b", "trailing.", "x".repeat(101))) {
            assertFalse(LoraBundles.isValidName(bad), bad);
        }
        for (String good : List.of("a", "my_style-v1.2", "9x")) {
            assertTrue(LoraBundles.isValidName(good), good);
        }
        assertEquals("My_Style_v1.2", LoraBundles.defaultName(Path.of("/x/My Style v1.2.safetensors")));
        assertEquals("a_b", LoraBundles.defaultName(Path.of("..a..b..SAFETENSORS")));
        assertEquals("lora", LoraBundles.defaultName(Path.of("...safetensors")));
    }

    @Test
    void headersWithSeveralClausesAndTheirErrors() {
        assertEquals(List.of(new LoraBundles.Declared("a", "loras/a.safetensors"),
                new LoraBundles.Declared("b", "x/b.safetensors")),
                LoraBundles.parse("a;path=\"loras/a.safetensors\", b ; path=x/b.safetensors ;note=\"x,y\""));
        assertParseError("", "is empty");
        assertParseError("a", "no path=");
        assertParseError("a;path=loras/a.ckpt", "not a .safetensors file");
        assertParseError("a;path=../a.safetensors", "without '..'");
        assertParseError("a b;path=a.safetensors", "name 'a b' is not valid");
        assertParseError("a;path", "'path' is not key=value");
        assertParseError("a;path=x.safetensors,a;path=y.safetensors", "'a' is declared twice");
        assertParseError("a;path=\"x.safetensors", "unbalanced quote");
    }

    private static void assertParseError(String header, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoraBundles.parse(header));
        assertTrue(e.getMessage().contains(part) && e.getMessage().contains(LoraBundles.HEADER),
                header + " -> " + e.getMessage());
    }
}
