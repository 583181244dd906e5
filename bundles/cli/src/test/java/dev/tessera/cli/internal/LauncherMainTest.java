package dev.tessera.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LauncherMainTest {

    /** bnd's launcher refuses (and then waits forever for) a main thread whose call() is not declared Integer. */
    @Test
    void theMainThreadDeclaresAnIntegerResultAsTheLauncherRequires() throws NoSuchMethodException {
        assertEquals(Integer.class, LauncherMain.MainThread.class.getMethod("call").getReturnType());
    }

    @Test
    void readsTheLaunchersArgumentArrayAndToleratesOtherShapes() {
        assertEquals(List.of("run", "wf.json", "--out", "my dir"),
                LauncherMain.arguments(new String[] {"run", "wf.json", "--out", "my dir"}));
        assertEquals(List.of("nodes"), LauncherMain.arguments(List.of("nodes")));
        assertEquals(List.of("nodes"), LauncherMain.arguments("nodes"));
        assertEquals(List.of(), LauncherMain.arguments(null));
    }
}
