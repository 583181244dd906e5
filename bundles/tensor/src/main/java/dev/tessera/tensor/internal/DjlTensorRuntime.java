package dev.tessera.tensor.internal;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtEngineProvider;
import ai.djl.pytorch.jni.JniUtils;
import dev.tessera.graph.api.HostSettings;
import dev.tessera.graph.api.ResourceScope;
import dev.tessera.tensor.TensorRuntime;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Loads DJL's PyTorch engine once, with this bundle's class loader as context loader so DJL finds its engine
 * provider, {@code native/lib/pytorch.properties} (from the tensor-native-cpu fragment) and the JNI library.
 * Framework properties: {@code tessera.device} (cpu, gpu, gpu:N; default: first GPU if any) and
 * {@code tessera.dtype} (float32, float16; default float32 on CPU, float16 on GPU). In a host, the configuration
 * of PID {@value #PID} ({@code device}, {@code dtype}) overrides them; a changed configuration re-registers the
 * service (the engine, and libtorch, stay loaded).
 */
// load libtorch at start: fail early, not mid-run
@Component(service = TensorRuntime.class, immediate = true, configurationPid = DjlTensorRuntime.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DjlTensorRuntime.Config.class)
public final class DjlTensorRuntime implements TensorRuntime {

    public static final String PID = "dev.tessera.tensor";

    /** Blank attributes fall back to the framework properties tessera.device and tessera.dtype. */
    @ObjectClassDefinition(id = PID, name = "Tessera tensor runtime",
            description = "The device and floating-point type models run in. Empty: the framework property"
                    + " tessera.device / tessera.dtype, else the first GPU (float16) or the CPU (float32).")
    public @interface Config {
        @AttributeDefinition(required = false, description = "cpu, gpu or gpu:N")
        String device() default "";

        @AttributeDefinition(required = false, description = "float32 or float16")
        String dtype() default "";
    }

    static final String ENGINE = "PyTorch";
    static final String DEVICE_PROPERTY = "tessera.device";
    static final String DTYPE_PROPERTY = "tessera.dtype";

    private final Engine engine;
    private final Device device;
    private final DataType computeType;
    /** Identifies this runtime's manager among a run's shared resources. */
    private final Object runManagerKey = new Object();

    @Activate
    public DjlTensorRuntime(BundleContext context, Map<String, Object> properties) {
        this(HostSettings.layered(properties, "tessera.", context::getProperty));
    }

    /** Outside OSGi (tests, embedding): {@code properties} looks up the settings by name. */
    public DjlTensorRuntime(UnaryOperator<String> properties) {
        // DJL reads these once, when the engine loads: no downloads (natives come from the fragment or
        // PYTORCH_LIBRARY_PATH), and no TorchScript graph optimizer (it re-profiles on every new input shape).
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
        setIfAbsent("ai.djl.default_engine", ENGINE);
        this.engine = call(DjlTensorRuntime::loadEngine);
        this.device = ComputePolicy.device(properties.apply(DEVICE_PROPERTY), engine.getGpuCount());
        this.computeType = ComputePolicy.computeType(properties.apply(DTYPE_PROPERTY), device);
    }

    private static Engine loadEngine() {
        try {
            if (!Engine.hasEngine(ENGINE)) {
                // DJL discovers engines once, through the context loader of whoever touched it first; if that was
                // not us, its list lacks PyTorch: register it directly.
                Engine.registerEngine(new PtEngineProvider());
            }
            return Engine.getEngine(ENGINE);
        } catch (RuntimeException | LinkageError e) {
            String loadedElsewhere = loadedByAnotherInstance(e);
            if (loadedElsewhere != null) throw new IllegalStateException(loadedElsewhere, e);
            throw new IllegalStateException("DJL's PyTorch engine did not load. On CPU install the fragment"
                    + " dev.tessera.tensor.native.cpu; for CUDA set PYTORCH_LIBRARY_PATH to a libtorch 2.7.1 directory"
                    + " (and PYTORCH_FLAVOR=cu128). Cause: " + e, e);
        }
    }

    /**
     * The JVM binds a native library to the one class loader that loaded it. When this bundle was refreshed, updated
     * or reinstalled, its new class loader cannot load libtorch again: say so, and what to do, instead of DJL's
     * "already loaded in another classloader".
     *
     * @return the message, or null when {@code failure} is another problem
     */
    static String loadedByAnotherInstance(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnsatisfiedLinkError && t.getMessage() != null
                    && t.getMessage().contains("already loaded in another classloader")) {
                return "libtorch is already loaded in this JVM by an earlier instance of the bundle dev.tessera.tensor"
                        + " (the host refreshed, updated or reinstalled it), and a JVM gives a native library to one"
                        + " class loader only: restart the JVM (in Karaf: system:shutdown -r) to use Tessera again. To"
                        + " keep it from happening, do not refresh dev.tessera.tensor (bundle:refresh without it; the"
                        + " bundle has no optional imports, so installing other features does not refresh it). JVM: "
                        + t.getMessage();
            }
        }
        return null;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public DataType computeType() {
        return computeType;
    }

    /**
     * libtorch's grad mode is per thread and on by default; DJL turns it off only on the thread that loaded the
     * engine. Every entry point a model run passes through turns it off on the calling thread (the graph engine's
     * workers, the server's), so no autograd graph is kept for inference. Training turns it on again inside its
     * GradientCollector, which it opens after these calls.
     */
    private void inferenceOnThisThread() {
        // Not while the engine loads: JniUtils needs the native library.
        if (engine != null && JniUtils.isGradMode()) {
            JniUtils.setGradMode(false);
        }
    }

    @Override
    public NDManager newManager(String name) {
        return call(() -> {
            NDManager manager = engine.newBaseManager(device);
            manager.setName(name);
            return manager;
        });
    }

    @Override
    public NDManager runManager(ResourceScope scope) {
        inferenceOnThisThread();
        return scope.shared(runManagerKey, () -> newManager("run"));
    }

    @Override
    public <T> T call(Callable<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(DjlTensorRuntime.class.getClassLoader());
        try {
            inferenceOnThisThread();
            return work.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new UndeclaredThrowableException(e, "checked exception in TensorRuntime.call: " + e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public String toString() {
        return "TensorRuntime[" + engine.getEngineName() + " " + engine.getVersion() + ", " + device + ", "
                + computeType + "]";
    }
}
