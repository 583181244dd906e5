package dev.tessera.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.graph.api.ImageRef;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputFilesTest {

    @Test
    void imagesBecomePathsInTheirFolderAndOtherItemsAreNamedByNode() {
        Path home = Path.of("/work/home");
        Map<String, Map<String, List<?>>> outputs = new LinkedHashMap<>();
        outputs.put("9", Map.of("images", List.of(new ImageRef("Tessera_00001_.png", "", "output"),
                new ImageRef("b.png", "run1", "output"))));
        outputs.put("10", Map.of("images", List.of(new ImageRef("preview_0001.png", "", "temp"))));
        outputs.put("11", Map.of("text", List.of("hello")));
        assertEquals(List.of("output/Tessera_00001_.png", "output/run1/b.png", "temp/preview_0001.png", "node 11 text: hello"),
                OutputFiles.lines(outputs, new FixedFolders(home), home));
    }

    @Test
    void pathsOutsideTheWorkingDirectoryStayAbsolute() {
        assertEquals("/data/out/a.png", OutputFiles.show(Path.of("/data/out/a.png"), Path.of("/work/home")));
        assertEquals("out/a.png", OutputFiles.show(Path.of("/work/home/x/../out/a.png"), Path.of("/work/home")));
    }
}
