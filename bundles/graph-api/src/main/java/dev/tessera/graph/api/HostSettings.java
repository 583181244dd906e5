package dev.tessera.graph.api;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A component's settings in two layers: its Config Admin configuration, then the framework (or system) properties.
 * A setting is named by its framework property (for example {@code tessera.output.dir}); in the configuration it
 * has the same name less a prefix (with prefix {@code tessera.}: {@code output.dir}). A blank configuration value
 * counts as unset, so an administrator can clear a setting in a {@code .cfg} file and get the default back.
 */
public final class HostSettings {

    private HostSettings() {
    }

    /**
     * @param configuration the component's properties (those of its configuration among them), or an empty map
     * @param prefix what the framework property names have in front of the configuration keys
     * @param framework the framework property lookup, null for an unset property (e.g. {@code BundleContext::getProperty})
     * @return a lookup by framework property name: the configured value, else the framework property, else null
     */
    public static UnaryOperator<String> layered(Map<String, ?> configuration, String prefix, UnaryOperator<String> framework) {
        return name -> {
            if (name.startsWith(prefix)) {
                String configured = text(configuration.get(name.substring(prefix.length())));
                if (configured != null && !configured.isBlank()) return configured;
            }
            return framework.apply(name);
        };
    }

    /** A configuration value as text; arrays and collections (Config Admin's multi-valued properties) comma-joined. */
    static String text(Object value) {
        if (value == null) return null;
        List<String> parts = new ArrayList<>();
        if (value instanceof Collection<?> c) {
            c.forEach(v -> parts.add(String.valueOf(v).strip()));
        } else if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) parts.add(String.valueOf(Array.get(value, i)).strip());
        } else {
            return String.valueOf(value);
        }
        parts.removeIf(String::isEmpty);
        return String.join(",", parts);
    }
}
