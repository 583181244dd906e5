package dev.tessera.server.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
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
        long ramTotal = -1;
        long ramFree = -1;
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            ramTotal = sun.getTotalMemorySize();
            ramFree = sun.getFreeMemorySize();
        }
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

    /** Python's {@code sys.platform} names, which ComfyUI reports. */
    private static String platform() {
        String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (name.startsWith("windows")) return "win32";
        if (name.startsWith("mac")) return "darwin";
        if (name.startsWith("linux")) return "linux";
        return name;
    }
}
