package dev.tessera.model.api.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.ParameterView;
import dev.tessera.model.api.WeightPatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Variants of a two-parameter model (y = w x + b) under weight patches: built once per patch list over the base,
 * kept while leased, the unused ones beyond {@link PatchedModels#KEEP_UNUSED} freed with their tensors.
 */
class PatchedModelsTest {

    /** The model: its parameters as built (base or replacement, by name). */
    private record Affine(Map<String, NDArray> parameters) {
        float y(float x) {
            return parameters.get("w").getFloat() * x + parameters.get("b").getFloat();
        }
    }

    private NDManager root;
    private NDManager weights;
    private Map<String, NDArray> base;
    private Affine baseModel;
    private PatchedModels<Affine> models;

    @BeforeEach
    void setUp() {
        root = NDManager.newBaseManager();
        weights = root.newSubManager();
        base = Map.of("w", weights.create(new float[] {2f}), "b", weights.create(new float[] {1f}));
        baseModel = new Affine(base);
        Map<String, Shape> shapes = Map.of("w", new Shape(1), "b", new Shape(1));
        models = new PatchedModels<>("affine", "affine model", PatchedModels.base(() -> baseModel, () -> shapes,
                (name, shape) -> base.get(name), replaced -> {
                    Map<String, NDArray> all = new HashMap<>(base);
                    all.putAll(replaced);
                    return new Affine(all);
                }), weights, DataType.FLOAT32);
    }

    @AfterEach
    void tearDown() {
        models.close();
        root.close();
    }

    /** Adds {@code delta} to b; records each replacement it made. */
    private static WeightPatch bias(float delta, List<NDArray> made) {
        return new WeightPatch() {
            @Override
            public String key() {
                return "bias+" + delta;
            }

            @Override
            public Map<String, NDArray> apply(ParameterView current, NDManager target) {
                NDArray b = current.get("b").add(delta);
                b.attach(target);
                made.add(b);
                return Map.of("b", b);
            }
        };
    }

    @Test
    void theUnpatchedModelIsTheBaseAndAVariantIsBuiltOncePerPatchList() {
        List<NDArray> made = new ArrayList<>();
        try (PatchedModels.Use<Affine> plain = models.acquire(List.of())) {
            assertSame(baseModel, plain.model());
        }
        WeightPatch plusOne = bias(1f, made);
        try (PatchedModels.Use<Affine> a = models.acquire(List.of(plusOne));
                PatchedModels.Use<Affine> b = models.acquire(List.of(plusOne))) {
            assertSame(a.model(), b.model());
            assertEquals(2f * 3 + 2, a.model().y(3));
            assertSame(base.get("w"), a.model().parameters().get("w"), "an unpatched parameter is the base's");
        }
        assertEquals(1, models.builds());
        assertEquals(2f * 3 + 1, baseModel.y(3), "the base is untouched");
        // In order: the second patch sees the first's replacement.
        try (PatchedModels.Use<Affine> twice = models.acquire(List.of(plusOne, bias(0.5f, made)))) {
            assertEquals(2f * 3 + 2.5f, twice.model().y(3));
        }
    }

    @Test
    void aVariantNoLongerLeasedIsEvictedAndItsTensorsFreed() {
        List<NDArray> made = new ArrayList<>();
        PatchedModels.Use<Affine> held = models.acquire(List.of(bias(10f, made)));
        NDArray heldReplacement = made.get(0);
        int baseArrays = weights.getManagedArrays().size();
        List<NDArray> released = new ArrayList<>();
        for (int i = 1; i <= PatchedModels.KEEP_UNUSED + 1; i++) {
            int before = made.size();
            models.acquire(List.of(bias(i, made))).close();
            released.add(made.get(before));
        }
        // One more unused variant than kept: the eldest unused one goes, with its memory.
        assertTrue(released.get(0).isReleased(), "the eldest unused variant's tensor is freed");
        for (NDArray kept : released.subList(1, released.size())) {
            assertFalse(kept.isReleased());
        }
        assertFalse(heldReplacement.isReleased(), "a leased variant is never evicted, however old");
        assertEquals(PatchedModels.KEEP_UNUSED + 1, models.variants());
        assertEquals(baseArrays + PatchedModels.KEEP_UNUSED, weights.getManagedArrays().size(),
                "the weights' manager holds only the base, the leased variant and the kept ones");
        assertEquals(11f, held.model().y(0), "the leased variant still works");

        held.close();
        // Now it is the eldest unused one beyond the kept few.
        assertTrue(heldReplacement.isReleased());
        assertEquals(PatchedModels.KEEP_UNUSED, models.variants());
        int builds = models.builds();
        models.acquire(List.of(bias(10f, made))).close();
        assertEquals(builds + 1, models.builds(), "an evicted variant is built again when needed");
    }

    /** Replaces {@code name} with zeros of {@code shape}. */
    private static WeightPatch zeros(String key, String name, Shape shape) {
        return new WeightPatch() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public Map<String, NDArray> apply(ParameterView current, NDManager target) {
                return Map.of(name, target.zeros(shape));
            }
        };
    }

    @Test
    void aPatchOfAnUnknownParameterOrShapeFailsNamingItAndKeepsNothing() {
        int before = weights.getManagedArrays().size();
        WeightPatch unknown = zeros("unknown", "c", new Shape(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> models.acquire(List.of(unknown)));
        assertEquals("patch unknown replaces 'c', which the affine model does not have", e.getMessage());
        WeightPatch wide = zeros("wide", "b", new Shape(2));
        e = assertThrows(IllegalArgumentException.class, () -> models.acquire(List.of(wide)));
        assertEquals("patch wide gives 'b' the shape (2), the affine model expects (1)", e.getMessage());
        assertEquals(before, weights.getManagedArrays().size(), "a failed build frees what it made");
        assertEquals(0, models.variants());
    }

    @Test
    void closingFreesEveryVariant() {
        List<NDArray> made = new ArrayList<>();
        PatchedModels.Use<Affine> use = models.acquire(List.of(bias(1f, made)));
        models.close();
        assertTrue(made.get(0).isReleased());
        assertFalse(base.get("b").isReleased(), "the base belongs to the family, not to the variants");
        use.close();
        assertThrows(IllegalStateException.class, () -> models.acquire(List.of()));
    }
}
