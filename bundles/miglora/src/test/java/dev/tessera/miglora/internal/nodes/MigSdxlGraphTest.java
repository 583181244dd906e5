package dev.tessera.miglora.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.ImageDecoder;
import dev.tessera.layout.Box;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.miglora.MigHook;
import dev.tessera.miglora.Pack;
import dev.tessera.miglora.Tiny;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.sampling.ModelStep;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sample-workflows/miglora-sdxl.json through the real engine: MIGLoRA's three nodes on the tiny SDXL checkpoint
 * (MIGLoRALoader accepting SDXL, MIGEncode with SDXL's CLIP, MIGApply's hook on the SDXL UNet).
 */
class MigSdxlGraphTest {

    @TempDir
    Path home;
    private MigGraph graph;
    private String workflow;

    @BeforeEach
    void setUp() throws IOException {
        graph = new MigGraph(home, ConformancePack.sampleWorkflows().resolve("models"));
        workflow = Files.readString(ConformancePack.sampleWorkflows().resolve("miglora-sdxl.json"));
    }

    @AfterEach
    void tearDown() {
        graph.close();
    }

    private int[] pixels(RunResult result) throws IOException {
        assertEquals(RunResult.Status.SUCCESS, result.status(), String.valueOf(result.error()) + result.validation());
        ImageRef ref = (ImageRef) result.outputs().get("10").get("images").get(0);
        DecodedImage image = ImageDecoder.read(graph.host.folders().output().resolve(ref.subfolder())
                .resolve(ref.filename()));
        assertEquals(64, image.width());
        assertEquals(64, image.height());
        int[] all = new int[64 * 64];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                all[y * 64 + x] = image.pixel(x, y);
            }
        }
        return all;
    }

    @Test
    void theSdxlSampleRunsAndTheLayoutChangesTheImageOnlyWhenGuidingSteps() throws IOException {
        RunResult result = graph.run(workflow);
        assertEquals(List.of("1", "10", "2", "3", "4", "5", "6", "7", "8", "9"),
                result.executed().stream().sorted().toList());
        int[] mig = pixels(result);
        String withoutLayout = workflow.replace("\"model\": [\"6\", 0], \"seed\"", "\"model\": [\"5\", 0], \"seed\"");
        assertNotEquals(workflow, withoutLayout);
        int[] plain = pixels(graph.run(withoutLayout));
        int[] betaZero = pixels(graph.run(workflow.replace("\"beta\": 0.7", "\"beta\": 0.0")));
        assertTrue(java.util.Arrays.equals(plain, betaZero), "beta 0: no step is layout-guided");
        assertFalse(java.util.Arrays.equals(plain, mig), "beta 0.7: the layout changes the image");
    }
}
