package dev.tessera.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.tessera.graph.engine.WorkflowEngine;
import java.time.Duration;
import java.util.Arrays;
import javax.inject.Inject;
import org.junit.Test;
import org.osgi.framework.Bundle;

/** Node types follow their bundle: stopped, they leave the engine's registry; started, they are back. */
public class DynamicBundlesIT extends TesseraOsgiTestBase {

    @Inject
    private WorkflowEngine engine;

    @Test
    public void stoppingThePrimitivesBundleRemovesPrimitiveIntAndStartingItBringsItBack() throws Exception {
        Bundle primitives = Arrays.stream(context.getBundles())
                .filter(b -> "dev.tessera.primitives".equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no primitives bundle"));
        String sample = TesseraFramework.repo().resolve("sample-workflows/image-roundtrip.json").toString();
        assertTrue(engine.nodeType("PrimitiveInt").isPresent());

        primitives.stop();
        try {
            await("PrimitiveInt leaves the registry", Duration.ofSeconds(10), () -> engine.nodeType("PrimitiveInt").isEmpty());
            assertTrue(engine.nodeType("PrimitiveFloat").isEmpty());
            assertTrue("other bundles' node types stay", engine.nodeType("ImageScale").isPresent());
            CliRun without = tessera("run", sample);
            assertEquals(without.toString(), 1, without.code());
            assertTrue(without.toString(), without.err().contains("  node 2 (PrimitiveInt): unknown_node_type: "));
            assertTrue("the failure explains that a bundle is not running: " + without,
                    without.err().contains("bundle dev.tessera.primitives") && without.err().contains("resolved but not started"));
        } finally {
            primitives.start();
        }
        await("PrimitiveInt is back", Duration.ofSeconds(10), () -> engine.nodeType("PrimitiveInt").isPresent());
        CliRun with = tessera("run", sample);
        assertEquals(with.toString(), 0, with.code());
    }
}
