package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

    private static final Set<String> VALUES = Set.of("--out", "--models");
    private static final Set<String> FLAGS = Set.of("--json");

    @Test
    void splitsPositionalsOptionsAndFlagsInAnyOrder() throws UsageException {
        Arguments a = Arguments.parse(List.of("--out", "o", "wf.json", "--json", "--models=m"), VALUES, FLAGS);
        assertEquals(List.of("wf.json"), a.positionals());
        assertEquals(Optional.of("o"), a.value("--out"));
        assertEquals(Optional.of("m"), a.value("--models"));
        assertTrue(a.flag("--json"));
    }

    @Test
    void doubleDashEndsOptionsSoFilesMayStartWithADash() throws UsageException {
        Arguments a = Arguments.parse(List.of("--", "-odd.json", "--out"), VALUES, FLAGS);
        assertEquals(List.of("-odd.json", "--out"), a.positionals());
        assertEquals(Optional.empty(), a.value("--out"));
        assertFalse(a.flag("--json"));
    }

    @Test
    void aLoneDashIsAPositional() throws UsageException {
        assertEquals(List.of("-"), Arguments.parse(List.of("-"), VALUES, FLAGS).positionals());
    }

    @Test
    void refusesUnknownOptionsNamingThemAndTheKnownOnes() {
        UsageException e = assertThrows(UsageException.class,
                () -> Arguments.parse(List.of("wf.json", "--output", "x"), VALUES, FLAGS));
        assertEquals("unknown option '--output'; options: --json, --models, --out", e.getMessage());
        UsageException none = assertThrows(UsageException.class, () -> Arguments.parse(List.of("-v"), Set.of(), Set.of()));
        assertEquals("unknown option '-v' (this command takes no options)", none.getMessage());
    }

    @Test
    void refusesAMissingEmptyOrRepeatedValue() {
        assertEquals("option --out needs a value",
                assertThrows(UsageException.class, () -> Arguments.parse(List.of("wf.json", "--out"), VALUES, FLAGS)).getMessage());
        assertEquals("option --out needs a non-empty value",
                assertThrows(UsageException.class, () -> Arguments.parse(List.of("--out="), VALUES, FLAGS)).getMessage());
        assertEquals("option --out given twice",
                assertThrows(UsageException.class, () -> Arguments.parse(List.of("--out", "a", "--out=b"), VALUES, FLAGS)).getMessage());
    }

    @Test
    void aFlagTakesNoValue() {
        assertThrows(UsageException.class, () -> Arguments.parse(List.of("--json=yes"), VALUES, FLAGS));
    }
}
