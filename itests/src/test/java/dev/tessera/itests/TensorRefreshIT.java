package dev.tessera.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.tessera.tensor.TensorRuntime;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.inject.Inject;
import org.junit.Test;
import org.osgi.framework.Bundle;

/**
 * What a host that refreshes the tensor bundle gets: a new class loader for the bundle in a JVM where libtorch is
 * already loaded (here by the suite's framework, whose {@link TensorRuntime} runs). The same happens to a second
 * framework in the JVM, which this test starts with the tensor bundle of tessera.jar: its runtime must fail with
 * Tessera's message naming the cause and the remedy, not DJL's bare UnsatisfiedLinkError. And the bundle must give a
 * host no reason to refresh it: no optional or dynamic imports (issue 19).
 */
public class TensorRefreshIT extends TesseraOsgiTestBase {

    @Inject
    private TensorRuntime loaded;

    @Test
    public void aSecondInstanceOfTheTensorBundleSaysWhyLibtorchIsUnavailable() throws Exception {
        assertTrue(loaded.toString(), loaded.toString().contains("PyTorch"));
        Path storage = Path.of(System.getProperty("tessera.itest.dir")).toAbsolutePath().resolve("tensor-refresh");
        Set<String> bundles = Set.of("dev.tessera.tensor", "dev.tessera.tensor.native.cpu", "dev.tessera.graph.api",
                "com.google.gson", "slf4j.api", "org.apache.felix.scr", "org.osgi.service.component", "org.osgi.util.promise",
                "org.osgi.util.function");
        try (HostFramework host = HostFramework.start(storage, Map.of(), bundles::contains, List.of())) {
            Bundle tensor = host.bundle("dev.tessera.tensor");
            assertEquals(Bundle.ACTIVE, tensor.getState());

            Object imports = tensor.getHeaders("").get("Import-Package");
            assertFalse("optional imports let a host refresh the bundle: " + imports, String.valueOf(imports).contains("optional"));
            assertNull(tensor.getHeaders("").get("DynamicImport-Package"));

            Class<?> runtime = tensor.loadClass("dev.tessera.tensor.internal.DjlTensorRuntime");
            UnaryOperator<String> noSettings = key -> null;
            try {
                runtime.getConstructor(UnaryOperator.class).newInstance(noSettings);
                fail("a second class loader must not get libtorch in this JVM");
            } catch (InvocationTargetException e) {
                String message = String.valueOf(e.getCause().getMessage());
                assertEquals(e.getCause().toString(), IllegalStateException.class.getName(), e.getCause().getClass().getName());
                assertTrue(message, message.startsWith("libtorch is already loaded in this JVM by an earlier instance of the bundle dev.tessera.tensor"));
                assertTrue(message, message.contains("restart the JVM (in Karaf: system:shutdown -r)"));
            }
        }
        // The suite's own runtime is untouched.
        float sum = loaded.call(() -> {
            try (ai.djl.ndarray.NDManager manager = loaded.newManager("after")) {
                return manager.ones(new ai.djl.ndarray.types.Shape(3)).sum().getFloat();
            }
        });
        assertEquals(3f, sum, 0f);
    }
}
