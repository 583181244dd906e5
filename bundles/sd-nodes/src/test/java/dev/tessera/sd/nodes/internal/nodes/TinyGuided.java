package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.NodeType;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.sampling.ModelStep;
import dev.tessera.testing.Closeness;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Path;

/**
 * The tiny SD1.5 loaded with a positive and a negative prompt, for tests of how the guided model honours the
 * conditioning nodes (areas, masks, timestep ranges): run a node, combine, predict one step.
 */
final class TinyGuided implements AutoCloseable {

    final Graph graph;
    final BadInputTest.Loaded loaded;
    final RunScope scope = new RunScope();
    final NDManager m;

    TinyGuided(Path home) {
        Path models = ConformancePack.tinySd15Models(home);
        graph = new Graph(home, models);
        loaded = new BadInputTest.Loaded(graph.cache, models, graph.runtime);
        m = graph.runtime.newManager("test");
    }

    /** The conditioning {@code node} outputs for {@code inputs}. */
    Conditioning run(NodeType node, MapInputs inputs) {
        return (Conditioning) node.execute(inputs, new RecordingContext(scope)).value(0);
    }

    Conditioning combine(Conditioning a, Conditioning b) {
        return run(new ConditioningCombineNode(graph.runtime),
                new MapInputs().with("conditioning_1", a).with("conditioning_2", b));
    }

    /** The guided model's prediction (no negative, cfg 1) at {@code timestep}, owned by {@link #m}. */
    NDArray predict(Conditioning positive, NDArray x, double timestep) {
        try (BoundDenoiser d = loaded.model.guided(positive, null, 1.0, m)) {
            NDArray out = d.predict(x, new ModelStep(0, 1, timestep, 4.0));
            out.attach(m);
            return out;
        }
    }

    NDArray predict(Conditioning positive, NDArray x) {
        return predict(positive, x, 500);
    }

    static void assertClose(NDArray expected, NDArray actual, String what) {
        double e = Closeness.relativeError(actual, expected);
        assertTrue(e < 1e-5, what + ": relative error " + e);
    }

    @Override
    public void close() throws Exception {
        m.close();
        scope.close();
        loaded.close();
        graph.close();
    }
}
