package dev.tessera.flux.nodes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.flux.nodes.internal.nodes.FluxGuidanceNode;
import dev.tessera.flux.nodes.internal.nodes.UNETLoaderNode;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.LatentPacking;
import dev.tessera.model.api.ParameterView;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.model.api.runtime.PatchedModels;
import dev.tessera.sampling.ModelStep;
import dev.tessera.testing.Closeness;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DiT handles on model-api's patched-model runtime, with the pack's tiny FLUX: UNETLoader's file is opened once
 * while any handle holds it (counted as the process's open file descriptors on it, and by the cache), a LoRA-style
 * weight patch builds a variant that shares the base weights, and variants no longer used beyond the kept few are
 * freed with their native memory.
 */
class TransformerCheckpointsTest {

    private static final ModelStep STEP = new ModelStep(0, 1, 700, 0.7);

    @TempDir
    Path root;
    private CpuRuntime tensors;
    private TransformerCheckpoints checkpoints;
    private RunScope scope;
    private RecordingContext context;
    private DirFolders folders;
    private Path file;
    private Map<String, NDArray> c;

    @BeforeEach
    void setUp() throws Exception {
        tensors = new CpuRuntime();
        checkpoints = new TransformerCheckpoints(tensors);
        scope = new RunScope();
        context = new RecordingContext(scope);
        folders = new DirFolders(root);
        file = ConformancePack.diffusionModel(folders.models(), "flux/single-file", "tiny-flux")
                .resolve("tiny-flux.safetensors");
        c = ConformancePack.tensors(ConformancePack.dir().resolve("flux/cases/transformer.safetensors"),
                tensors.base());
    }

    @AfterEach
    void tearDown() throws Exception {
        checkpoints.close();
        scope.close();
        tensors.close();
    }

    private DiffusionModel execute(UNETLoaderNode loader) {
        return (DiffusionModel) loader.execute(new MapInputs().with("unet_name", "tiny-flux.safetensors")
                .with("weight_dtype", "default"), context).values().get(0);
    }

    /** The descriptors this process holds open on {@code file} (Linux: /proc/self/fd). */
    private static long openDescriptors(Path file) throws IOException {
        Path real = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // closed while listing, or not a link
                }
            }).count();
        }
    }

    @Test
    void twoExecutionsOfUnetLoaderOpenTheFileOnce() throws IOException {
        UNETLoaderNode loader = new UNETLoaderNode(folders, tensors, checkpoints);
        UNETLoaderNode another = new UNETLoaderNode(folders, tensors, checkpoints);
        assertEquals(0, openDescriptors(file));
        DiffusionModel first = execute(loader);
        assertEquals(1, openDescriptors(file));
        DiffusionModel second = execute(another);
        DiffusionModel third = execute(loader);
        assertEquals(1, openDescriptors(file), "the second and third executions open nothing");
        assertEquals(1, checkpoints.loads());
        assertSame(((FluxDiffusionModel) first).checkpoint(), ((FluxDiffusionModel) second).checkpoint());
        assertSame(((FluxDiffusionModel) first).checkpoint(), ((FluxDiffusionModel) third).checkpoint());

        first.close();
        second.close();
        assertEquals(1, openDescriptors(file), "a handle still holds it");
        third.close();
        assertEquals(0, openDescriptors(file), "closed with the last handle (the host's cache evicting it)");
        assertEquals(0, checkpoints.openFiles());

        // A replaced file is a new key: opened anew while a handle over the old one finishes.
        DiffusionModel old = execute(loader);
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        DiffusionModel fresh = execute(loader);
        assertEquals(3, checkpoints.loads());
        assertEquals(2, checkpoints.openFiles());
        old.close();
        fresh.close();

        // Stopping closes what handles still hold.
        DiffusionModel held = execute(loader);
        assertEquals(1, openDescriptors(file));
        checkpoints.close();
        assertEquals(0, openDescriptors(file));
        held.close();
    }

    /** Adds a rank-1 term {@code scale * u v^T} to the output projection, as a merged LoRA does. */
    private static WeightPatch rankOne(float scale, List<NDArray> made) {
        return new WeightPatch() {
            @Override
            public String key() {
                return "rank-one " + scale;
            }

            @Override
            public Map<String, NDArray> apply(ParameterView current, NDManager target) {
                String name = "proj_out.weight";
                Shape shape = current.shape(name);
                try (NDManager scratch = target.newSubManager()) {
                    NDArray u = scratch.ones(new Shape(shape.get(0), 1));
                    NDArray v = scratch.ones(new Shape(1, shape.get(1)));
                    NDArray merged = u.matMul(v).mul(scale).toType(current.dataType(), false).add(current.get(name));
                    merged.attach(target);
                    made.add(merged);
                    return Map.of(name, merged);
                }
            }
        };
    }

    private static long bytes(NDManager manager) {
        return manager.getManagedArrays().stream().mapToLong(a -> a.size() * a.getDataType().getNumOfBytes()).sum();
    }

    private NDArray predict(DiffusionModel model, Conditioning positive, NDManager run) {
        try (BoundDenoiser d = model.guided(positive, null, 1.0, run)) {
            return d.predict(LatentPacking.unpack(c.get("hidden_states"), 8, 8), STEP);
        }
    }

    @Test
    void aDitWithAndWithoutALoraShareTheBaseWeightsAndUnusedVariantsAreFreed() {
        NDManager owner = tensors.newManager("conditioning");
        Conditioning plain = Conditioning.owning(owner, List.of(new Conditioning.Entry(
                c.get("encoder_hidden_states").duplicate(), c.get("pooled_projections").duplicate())));
        try (DiffusionModel base = execute(new UNETLoaderNode(folders, tensors, checkpoints));
                Conditioning positive = (Conditioning) new FluxGuidanceNode(tensors).execute(new MapInputs()
                        .with("conditioning", plain).with("guidance", 3.5), context).values().get(0);
                NDManager run = tensors.newManager("run")) {
            plain.close();
            FluxDiffusionModel flux = (FluxDiffusionModel) base;
            NDManager weights = flux.checkpoint().weights().manager();
            NDArray before = predict(base, positive, run);
            long baseBytes = bytes(weights);
            int loaded = flux.checkpoint().weights().loadedCount();

            List<NDArray> made = new ArrayList<>();
            NDArray patchedOut;
            long variantBytes;
            try (DiffusionModel patched = base.withPatch(rankOne(0.05f, made))) {
                patchedOut = predict(patched, positive, run);
                variantBytes = bytes(weights) - baseBytes;
            }
            NDArray replacement = made.get(0);
            long replacedBytes = replacement.size() * replacement.getDataType().getNumOfBytes();
            System.out.printf("FLUX base weights %d bytes; a rank-1 LoRA variant adds %d (its replaced matrix: %d)%n",
                    baseBytes, variantBytes, replacedBytes);
            assertTrue(Closeness.relativeError(patchedOut, before) > 1e-4, "the patch changes the prediction");
            // The layer may keep the replaced matrix in a derived layout too; nothing else of the base is copied.
            assertTrue(variantBytes >= replacedBytes && variantBytes <= 2 * replacedBytes,
                    "the variant holds only its replaced matrix; the rest is the base's");
            assertEquals(loaded, flux.checkpoint().weights().loadedCount(), "no base tensor was read again");
            assertEquals(1, checkpoints.loads());
            assertEquals(0.0, Closeness.relativeError(predict(base, positive, run), before), "the base is untouched");

            // Variants no longer used beyond the kept few go, with their memory; the base stays.
            for (int i = 1; i <= PatchedModels.KEEP_UNUSED; i++) {
                try (DiffusionModel other = base.withPatch(rankOne(0.05f + i, made))) {
                    predict(other, positive, run);
                }
            }
            assertTrue(replacement.isReleased(), "the eldest unused variant is freed");
            assertFalse(made.get(made.size() - 1).isReleased(), "the latest is kept for reuse");
            assertEquals(PatchedModels.KEEP_UNUSED * variantBytes, bytes(weights) - baseBytes,
                    "the freed variant's bytes are gone");
            assertEquals(PatchedModels.KEEP_UNUSED, flux.base().transformers.variants());
        }
    }
}
