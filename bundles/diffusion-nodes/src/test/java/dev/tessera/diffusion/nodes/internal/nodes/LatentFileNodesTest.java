package dev.tessera.diffusion.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ComfyUI's SaveLatent and LoadLatent on real files: the format ComfyUI writes, its old-file scaling, bad files. */
class LatentFileNodesTest {

    @TempDir
    Path root;

    private DirFolders folders;
    private CpuRuntime runtime;
    private RunScope scope;
    private final List<AutoCloseable> made = new ArrayList<>();

    @BeforeEach
    void setUp() {
        folders = new DirFolders(root);
        runtime = new CpuRuntime();
        scope = new RunScope();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : made) c.close();
        scope.close();
        runtime.close();
    }

    private static float[] values(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i - 7) * 0.37f;
        return v;
    }

    private Latent load(String name) {
        Latent out = (Latent) new LoadLatentNode(folders, runtime)
                .execute(new MapInputs().with("latent", name), new RecordingContext(scope)).value(0);
        made.add(out);
        return out;
    }

    /** A safetensors file as ComfyUI's SaveLatent writes it, byte by byte: F32 samples, an empty F32 marker. */
    private static byte[] comfyFile(float[] samples, long[] shape, boolean marker) {
        int bytes = samples.length * 4;
        StringBuilder shapeJson = new StringBuilder();
        for (long d : shape) shapeJson.append(shapeJson.length() == 0 ? "" : ",").append(d);
        String header = "{\"__metadata__\":{\"prompt\":\"{}\"},\"latent_tensor\":{\"dtype\":\"F32\",\"shape\":["
                + shapeJson + "],\"data_offsets\":[0," + bytes + "]}"
                + (marker ? ",\"latent_format_version_0\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":["
                        + bytes + "," + bytes + "]}" : "") + "}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (float f : samples) b.putFloat(f);
        return b.array();
    }

    @Test
    void saveThenLoadGivesTheSameTensor() throws Exception {
        float[] v = values(2 * 4 * 3 * 5);
        NDManager m = runtime.newManager("in");
        Latent in = Latent.owning(m, m.create(v, new Shape(2, 4, 3, 5)), null, LatentFormat.SD1);
        made.add(in);
        RecordingContext context = new RecordingContext(scope);
        NodeResult result = new SaveLatentNode(folders, runtime)
                .execute(new MapInputs().with("samples", in).with("filename_prefix", "latents/ComfyUI"), context);
        @SuppressWarnings("unchecked")
        List<ImageRef> refs = (List<ImageRef>) result.ui().get("latents");
        assertEquals(List.of(new ImageRef("ComfyUI_00001_.latent", "latents", "output")), refs);
        Path saved = folders.output().resolve("latents/ComfyUI_00001_.latent");
        try (SafetensorsFile st = SafetensorsFile.open(saved)) {
            assertTrue(st.contains("latent_tensor"));
            assertArrayEquals(new long[] {0}, st.info("latent_format_version_0").shape());
            assertTrue(st.metadata().containsKey("prompt"));
        }
        Files.copy(saved, folders.input().resolve("run.latent"));
        Latent out = load("run.latent");
        assertEquals(new Shape(2, 4, 3, 5), out.samples().getShape());
        assertArrayEquals(v, out.samples().toFloatArray());
        assertTrue(out.format().isEmpty(), "the file does not say which model made it");

        new SaveLatentNode(folders, runtime)
                .execute(new MapInputs().with("samples", in).with("filename_prefix", "latents/ComfyUI"), context);
        assertTrue(Files.exists(folders.output().resolve("latents/ComfyUI_00002_.latent")), "numbered on, not overwritten");
    }

    @Test
    void comfyUisFileLoadsAndIsListed() throws Exception {
        float[] v = values(4 * 2 * 2);
        Files.write(folders.input().resolve("b.latent"), comfyFile(v, new long[] {1, 4, 2, 2}, true));
        Files.write(folders.input().resolve("a.latent"), comfyFile(v, new long[] {1, 4, 2, 2}, true));
        Files.writeString(folders.input().resolve("notes.txt"), "x");
        assertEquals(List.of("a.latent", "b.latent"),
                ((dev.tessera.graph.api.Widget.ComboWidget) new LoadLatentNode(folders, runtime).descriptor().input("latent").orElseThrow().widget()).options().get());
        Latent out = load("b.latent");
        assertEquals(new Shape(1, 4, 2, 2), out.samples().getShape());
        assertArrayEquals(v, out.samples().toFloatArray());
    }

    @Test
    void aFileWithoutTheVersionMarkerIsDividedByTheSd1Factor() throws Exception {
        float[] v = values(4 * 2 * 2);
        Files.write(folders.input().resolve("old.latent"), comfyFile(v, new long[] {1, 4, 2, 2}, false));
        float[] out = load("old.latent").samples().toFloatArray();
        for (int i = 0; i < v.length; i++) assertEquals(v[i] * (1.0f / 0.18215f), out[i], 1e-5f);
    }

    @Test
    void badFilesAreRefusedNamingTheFile() throws Exception {
        ByteArrayOutputStream pickle = new ByteArrayOutputStream();
        pickle.write(new byte[] {(byte) 0x80, 0x02, '}', 'q', 0x00, '.'});
        Files.write(folders.input().resolve("p.latent"), pickle.toByteArray());
        Files.write(folders.input().resolve("z.latent"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0});
        Files.writeString(folders.input().resolve("t.latent"), "not a tensor file at all");
        NodeException p = assertThrows(NodeException.class, () -> load("p.latent"));
        assertTrue(p.getMessage().contains("'p.latent'") && p.getMessage().contains("pickle"), p.getMessage());
        NodeException z = assertThrows(NodeException.class, () -> load("z.latent"));
        assertTrue(z.getMessage().contains("'z.latent'") && z.getMessage().contains("pickle"), z.getMessage());
        NodeException t = assertThrows(NodeException.class, () -> load("t.latent"));
        assertTrue(t.getMessage().contains("'t.latent'") && t.getMessage().contains("safetensors"), t.getMessage());
        assertFalse(t.getMessage().contains("pickle"), t.getMessage());
        NodeException missing = assertThrows(NodeException.class, () -> load("gone.latent"));
        assertTrue(missing.getMessage().contains("Invalid latent file: gone.latent"), missing.getMessage());
        assertEquals("latent", missing.inputName());
    }
}
