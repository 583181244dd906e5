package dev.tessera.models.core.loading;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.models.core.ModelLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken config or architecture file is one line naming the file and the place, without Gson's advice. */
class JsonConfigTest {

    @TempDir
    Path dir;

    @Test
    void malformedJsonIsOneLineWithoutLibraryHints() throws Exception {
        for (String text : List.of("{\"a\": [1, 2}", "{\"a\": 1 \"b\": 2}", "{\"a\": ", "{\"a\" 1}")) {
            Path file = Files.writeString(dir.resolve("config.json"), text);
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> JsonConfig.read(file), text);
            String m = e.getMessage();
            assertTrue(m.startsWith(file + ": not valid JSON: ") && m.contains("line 1"), m);
            assertFalse(m.contains("\n") || m.contains("http") || m.contains("Troubleshooting") || m.contains("setStrictness")
                    || m.contains("com.google") || m.contains("Exception"), m);
        }
    }
}
