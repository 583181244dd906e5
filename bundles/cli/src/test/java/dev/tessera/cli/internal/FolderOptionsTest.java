package dev.tessera.cli.internal;

import dev.tessera.cli.Arguments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.cli.UsageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FolderOptionsTest {

    private final Path home = Path.of("/work/home");
    private final FixedFolders folders = new FixedFolders(home);

    private List<String> mismatches(String... args) throws UsageException {
        return FolderOptions.mismatches(Arguments.parse(List.of(args), FolderOptions.names(), Set.of()), folders, home);
    }

    @Test
    void optionsNamingTheFoldersInUseAgreeWhetherRelativeOrAbsolute() throws UsageException {
        assertEquals(List.of(), mismatches("wf.json", "--out", "output", "--input", "/work/home/input", "--models", "./models",
                "--temp", "x/../temp"));
        assertEquals(List.of(), mismatches("wf.json"));
    }

    @Test
    void anotherFolderIsReportedWithThePropertyThatWouldSetIt() throws UsageException {
        List<String> problems = mismatches("wf.json", "--out", "elsewhere", "--models", "/models");
        assertEquals(2, problems.size());
        assertTrue(problems.get(0).startsWith("--out elsewhere was not applied: this framework uses /work/home/output."), problems.get(0));
        assertTrue(problems.get(0).endsWith("set the framework property tessera.output.dir."), problems.get(0));
        assertTrue(problems.get(1).startsWith("--models /models was not applied"), problems.get(1));
        assertTrue(problems.get(1).contains("tessera.models.dir"), problems.get(1));
    }

    @Test
    void theOptionNamesAreTheFourFolders() {
        assertEquals(Set.of("--out", "--input", "--models", "--temp"), FolderOptions.names());
    }
}
