package dev.tessera.server.internal;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /system_stats} in ComfyUI's shape {@code {system: {os, ram_total, ram_free, ...}, devices: [...]}}.
 * The server knows no tensor library, so it reports the machine's memory and the CPU as the device (as ComfyUI does
 * on a machine without a GPU), plus the JVM's own heap.
 */
public final class SystemStats {

    private SystemStats() {
    }

    public static Map<String, Object> of(String tesseraVersion) {
        long ramTotal = osAttribute("TotalMemorySize");
        long ramFree = osAttribute("FreeMemorySize");
        Runtime rt = Runtime.getRuntime();
        Map<String, Object> system = new LinkedHashMap<>();
        system.put("os", platform());
        system.put("ram_total", ramTotal);
        system.put("ram_free", ramFree);
        system.put("tessera_version", tesseraVersion);
        system.put("java_version", System.getProperty("java.version"));
        system.put("jvm_heap_max", rt.maxMemory());
        system.put("jvm_heap_used", rt.totalMemory() - rt.freeMemory());
        system.put("cpu_count", rt.availableProcessors());
        system.put("argv", List.of());
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("name", "cpu");
        cpu.put("type", "cpu");
        cpu.put("index", null);
        cpu.put("vram_total", ramTotal);
        cpu.put("vram_free", ramFree);
        cpu.put("torch_vram_total", ramTotal);
        cpu.put("torch_vram_free", ramFree);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("system", system);
        out.put("devices", List.of(cpu));
        return out;
    }

    /**
     * A JDK attribute of the operating system MBean, read through JMX rather than {@code com.sun.management}: that
     * package is not among the JavaSE packages an OSGi framework exports. -1 when the JVM has no such attribute.
     */
    private static long osAttribute(String name) {
        try {
            Object v = ManagementFactory.getPlatformMBeanServer().getAttribute(
                    new ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME), name);
            return v instanceof Number n ? n.longValue() : -1;
        } catch (JMException | RuntimeException e) {
            return -1;
        }
    }

    /** Python's {@code sys.platform} names, which ComfyUI reports. */
    private static String platform() {
        String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (name.startsWith("windows")) return "win32";
        if (name.startsWith("mac")) return "darwin";
        if (name.startsWith("linux")) return "linux";
        return name;
    }
}
