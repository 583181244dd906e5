package dev.tessera.evaluation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.cli.Arguments;
import dev.tessera.cli.UsageException;
import dev.tessera.evaluation.EvalMethod;
import dev.tessera.evaluation.RenderSettings;
import dev.tessera.evaluation.ShapesBenchmark;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line of {@code eval shapes}: defaults, options, and usage errors naming the option. */
class EvalCommandTest {

    private static ShapesBenchmark.Options options(String... args) throws UsageException {
        return EvalCommand.options(Arguments.parse(List.of(args), EvalCommand.OPTIONS, java.util.Set.of()));
    }

    @Test
    void theDefaultsAreTheIssuesBenchmark() throws UsageException {
        ShapesBenchmark.Options o = options("shapes");
        assertEquals(0, o.seed());
        assertEquals(20, o.perLevel());
        assertEquals(List.of(2, 3, 4, 5, 6), o.levels());
        assertEquals(EvalMethod.parseList("plain,area,miglora-sum,miglora-avg,miglora-mask"), o.methods());
        assertEquals(new RenderSettings("shapes-sd15.safetensors", "shapes-mask-encoder.safetensors",
                "shapes-miglora.safetensors", 20, 5.0, "dpmpp_2m", "karras", 64), o.render());
        assertEquals(20 * 5 * 5, o.total());
    }

    @Test
    void optionsSetTheirValues() throws UsageException {
        ShapesBenchmark.Options o = options("shapes", "--seed", "7", "--per-level", "3", "--levels", "2,4-5",
                "--methods", "area,miglora-mask@beta=0.5", "--checkpoint", "c.safetensors", "--mask-encoder",
                "m.safetensors", "--lora", "l.safetensors", "--steps", "9", "--cfg", "3.5", "--sampler", "euler",
                "--scheduler", "normal", "--size=96");
        assertEquals(7, o.seed());
        assertEquals(3, o.perLevel());
        assertEquals(List.of(2, 4, 5), o.levels());
        assertEquals(List.of("area", "miglora-mask@beta=0.5"), o.methods().stream().map(EvalMethod::name).toList());
        assertEquals(new RenderSettings("c.safetensors", "m.safetensors", "l.safetensors", 9, 3.5, "euler", "normal",
                96), o.render());
    }

    @Test
    void badValuesAreUsageErrorsNamingTheOption() {
        assertUsage("--levels 2-x: '2-x' is not a level or range", "--levels", "2-x");
        assertUsage("--levels 6-2: '6-2' is not a level or range", "--levels", "6-2");
        assertUsage("--levels 2-3,3: level 3 is given twice", "--levels", "2-3,3");
        assertUsage("level 7: expected 1 to 6 instances", "--levels", "7");
        assertUsage("--methods: method 'best' is unknown", "--methods", "best");
        assertUsage("--per-level 0: expected a whole number from 1 to 1000", "--per-level", "0");
        assertUsage("--steps x: expected a whole number from 1 to 10000", "--steps", "x");
        assertUsage("--cfg x: expected a number", "--cfg", "x");
        assertUsage("size 60: expected a multiple of 8", "--size", "60");
        UsageException unknown = assertThrows(UsageException.class, () -> options("shapes", "--fusion", "avg"));
        assertTrue(unknown.getMessage().contains("unknown option '--fusion'"), unknown.getMessage());
    }

    private static void assertUsage(String expected, String option, String value) {
        UsageException e = assertThrows(UsageException.class, () -> options("shapes", option, value));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
