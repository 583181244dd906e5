package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stable Diffusion 3 end to end through the exported tessera.jar as a user runs it: the SD3 sample
 * (CheckpointLoaderSimple on the tiny SD3 checkpoint with its text encoders, answered by flux-nodes'
 * CheckpointFamilyLoader service; CLIPTextEncodeSD3, CLIPTextEncode, ModelSamplingSD3, KSampler, VAEDecode).
 */
class Sd3WorkflowIT {

    @TempDir
    Path work;

    @Test
    void theSd3SampleWritesA64PixelPng() throws Exception {
        PngFile png = JarRun.sample(work, "sd3-txt2img");
        assertEquals(64, png.width());
        assertEquals(64, png.height());
    }
}
