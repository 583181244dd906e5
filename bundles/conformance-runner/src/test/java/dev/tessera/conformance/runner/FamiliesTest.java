package dev.tessera.conformance.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tessera.conformance.ConformanceFamily;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The families built without OSGi are exactly those the bundle registers as DS components. */
class FamiliesTest {

    private static final Pattern IMPLEMENTATION = Pattern.compile("<implementation class=\"([^\"]+)\"");
    private static final String FAMILY_SERVICE = "<provide interface=\"" + ConformanceFamily.class.getName() + "\"/>";

    @Test
    void builtinListMatchesTheDsComponents() throws IOException, URISyntaxException {
        // bnd writes the component descriptors next to the classes before tests run.
        Path classes = Path.of(Families.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path osgiInf = classes.resolve("OSGI-INF");
        Set<String> components = new TreeSet<>();
        try (Stream<Path> files = Files.list(osgiInf)) {
            for (Path xml : files.filter(f -> f.toString().endsWith(".xml")).toList()) {
                String text = Files.readString(xml);
                Matcher m = IMPLEMENTATION.matcher(text);
                if (text.contains(FAMILY_SERVICE) && m.find()) {
                    components.add(m.group(1));
                }
            }
        }
        Set<String> builtin = Families.builtin().stream().map(f -> f.getClass().getName())
                .collect(Collectors.toCollection(TreeSet::new));
        assertFalse(builtin.isEmpty());
        assertEquals(builtin, components, "Families.builtin() and the @Component families must list the same classes");
    }

    @Test
    void familyNamesAreDistinctTopLevelFolders() {
        Set<String> names = new TreeSet<>();
        for (ConformanceFamily f : Families.builtin()) {
            assertFalse(f.name().contains("/"), f.name());
            names.add(f.name() + "/" + f.getClass().getName());
        }
        assertEquals(Families.builtin().size(), names.size());
    }
}
