package dev.tessera.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TensorScopeTest {

    private NDManager weights;
    private NDManager run;

    @BeforeEach
    void managers() {
        weights = NDManager.newBaseManager();
        run = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        run.close();
        weights.close();
    }

    @Test
    void closesIntermediatesAndKeepsTheResult() {
        NDArray w = weights.create(new float[] {2, 3});
        NDArray x = run.create(new float[] {1, 1});
        List<NDArray> intermediates = new ArrayList<>();
        NDArray y = TensorScope.keep(() -> {
            NDArray scaled = w.mul(x); // lands in the weights manager
            intermediates.add(scaled);
            return scaled.add(1);
        });
        assertTrue(intermediates.get(0).isReleased());
        assertArrayEquals(new float[] {3, 4}, y.toFloatArray());
        assertFalse(w.isReleased() || x.isReleased());
    }

    @Test
    void inputReturnedUnchangedIsNeverClosedEvenWhenNested() {
        NDArray w = weights.create(new float[] {5});
        NDArray outer = TensorScope.keep(() -> {
            NDArray same = TensorScope.keep(() -> w);
            assertSame(w, same);
            return same.mul(2);
        });
        assertFalse(w.isReleased());
        assertArrayEquals(new float[] {10}, outer.toFloatArray());
    }

    @Test
    void innerResultBecomesATemporaryOfTheOuterScope() {
        NDArray x = run.create(new float[] {1, 2});
        List<NDArray> inner = new ArrayList<>();
        NDArray out = TensorScope.keep(() -> {
            NDArray doubled = TensorScope.keep(() -> x.mul(2));
            inner.add(doubled);
            assertFalse(doubled.isReleased());
            return doubled.add(1);
        });
        assertTrue(inner.get(0).isReleased());
        assertArrayEquals(new float[] {3, 5}, out.toFloatArray());
    }

    @Test
    void keepAllKeepsEveryListedResult() {
        NDArray x = run.create(new float[] {4});
        NDList both = TensorScope.keepAll(() -> new NDList(x.add(1), x.sub(1)));
        assertArrayEquals(new float[] {5}, both.get(0).toFloatArray());
        assertArrayEquals(new float[] {3}, both.get(1).toFloatArray());
    }

    @Test
    void failureStillClosesTemporaries() {
        NDArray x = run.create(new float[] {1});
        List<NDArray> made = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> TensorScope.run(() -> {
            made.add(x.add(1));
            throw new IllegalStateException("boom");
        }));
        assertTrue(made.get(0).isReleased());
    }

    @Test
    void aLongLoopDoesNotGrowAnyManager() {
        NDArray w = weights.randomNormal(new Shape(8, 8));
        NDArray state = run.zeros(new Shape(1, 8));
        int weightsBefore = weights.getManagedArrays().size();
        for (int step = 0; step < 500; step++) {
            NDArray current = state;
            NDArray next = TensorScope.keep(() -> current.matMul(w).tanh().add(current));
            current.close();
            state = next;
        }
        assertEquals(weightsBefore, weights.getManagedArrays().size());
        assertEquals(1, run.getManagedArrays().size(), "only the current state lives in the run manager");
    }
}
