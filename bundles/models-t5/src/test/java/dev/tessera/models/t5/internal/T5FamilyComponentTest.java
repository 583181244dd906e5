package dev.tessera.models.t5.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.conformance.ConformanceFamily;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The runner finds the t5 family in OSGi only if bnd declared it as a ConformanceFamily DS component. */
class T5FamilyComponentTest {

    @Test
    void t5FamilyIsAConformanceFamilyComponent() throws IOException, URISyntaxException {
        // bnd writes the component descriptors next to the classes before tests run.
        Path classes = Path.of(T5Family.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path xml = classes.resolve("OSGI-INF/" + T5Family.class.getName() + ".xml");
        assertTrue(Files.isRegularFile(xml), "descriptor " + xml);
        String text = Files.readString(xml);
        assertTrue(text.contains("<provide interface=\"" + ConformanceFamily.class.getName() + "\"/>"), text);
        assertTrue(text.contains("<implementation class=\"" + T5Family.class.getName() + "\""), text);
    }

    @Test
    void handlesOnlyTheEncoderCase() {
        T5Family family = new T5Family();
        assertEquals("t5", family.name());
        assertTrue(family.handles(Path.of("t5/cases/encoder.safetensors")));
        assertFalse(family.handles(Path.of("t5/cases/decoder.safetensors")));
    }
}
