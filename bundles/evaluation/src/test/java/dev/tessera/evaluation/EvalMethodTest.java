package dev.tessera.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvalMethodTest {

    @Test
    void theDefaultMethodsAreThePlainAreaAndTheThreeFusionsAtBetaPointSeven() {
        List<EvalMethod> methods = EvalMethod.parseList(EvalMethod.DEFAULTS);
        assertEquals(List.of(
                new EvalMethod("plain", EvalMethod.Kind.PLAIN, null, Double.NaN),
                new EvalMethod("area", EvalMethod.Kind.AREA, null, Double.NaN),
                new EvalMethod("miglora-sum", EvalMethod.Kind.MIGLORA, "sum", 0.7),
                new EvalMethod("miglora-avg", EvalMethod.Kind.MIGLORA, "avg", 0.7),
                new EvalMethod("miglora-mask", EvalMethod.Kind.MIGLORA, "mask", 0.7)), methods);
    }

    @Test
    void betaIsAParameterOfAnyMigloraMethodAndTheNameIsKeptAsWritten() {
        assertEquals(new EvalMethod("miglora-mask@beta=0.5", EvalMethod.Kind.MIGLORA, "mask", 0.5),
                EvalMethod.parse("miglora-mask@beta=0.5"));
        assertEquals(new EvalMethod("miglora-sum@beta=1", EvalMethod.Kind.MIGLORA, "sum", 1.0),
                EvalMethod.parse("miglora-sum@beta=1"));
        assertEquals(new EvalMethod("miglora-avg@beta=0", EvalMethod.Kind.MIGLORA, "avg", 0.0),
                EvalMethod.parse(" miglora-avg@beta=0 "));
        List<EvalMethod> two = EvalMethod.parseList("miglora-mask,miglora-mask@beta=0.3");
        assertEquals(List.of(0.7, 0.3), two.stream().map(EvalMethod::beta).toList());
    }

    @Test
    void badNamesAreRefusedSayingWhatIsExpected() {
        assertMessage("foo", "method 'foo' is unknown; expected plain, area or miglora-sum|miglora-avg|miglora-mask");
        assertMessage("miglora-max", "fusion 'max' is not one of [sum, avg, mask]");
        assertMessage("plain@beta=0.5", "plain takes no parameters");
        assertMessage("miglora-avg@beta=1.5", "beta '1.5' is not a number from 0 to 1");
        assertMessage("miglora-avg@beta=x", "beta 'x' is not a number from 0 to 1");
        assertMessage("miglora-avg@beta=NaN", "beta 'NaN' is not a number from 0 to 1");
        assertMessage("miglora-avg@gamma=1", "'@gamma=1' is not a parameter; expected @beta=X");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> EvalMethod.parseList("plain,area,plain"));
        assertTrue(twice.getMessage().contains("'plain' is given twice"), twice.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> EvalMethod.parseList("plain,,area"));
        assertTrue(empty.getMessage().contains("an empty name"), empty.getMessage());
    }

    private static void assertMessage(String name, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvalMethod.parse(name));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
