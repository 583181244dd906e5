package dev.tessera.models.sd;

import static dev.tessera.models.sd.Pack.FORWARD_TOLERANCE;
import static dev.tessera.models.sd.Pack.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.DeviceWeights;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.loading.PartsWeightSource;
import dev.tessera.models.core.loading.StoredPart;
import dev.tessera.models.sd.loading.DiffusersConfigs;
import dev.tessera.models.sd.loading.OpenClipNames;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CLIP-G-style text encoder (gelu, text_projection) against transformers' outputs in sdxl/cases/unet_te, read
 * from the diffusers folder (transformers names) and from the SDXL single file in OpenCLIP's names (fused in_proj,
 * text_projection stored [in, out]) converted at the loading edge.
 */
class OpenClipTextEncoderTest {

    private static final String OPENCLIP_PREFIX = "conditioner.embedders.1.model.";

    private NDManager manager;
    private Map<String, NDArray> reference;
    private CLIPTextConfig config;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        reference = new HashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(sdxl().resolve("cases/unet_te.safetensors"))) {
            file.names().forEach(name -> reference.put(name, file.load(name, manager)));
        }
        config = DiffusersConfigs.textEncoder(sdxl().resolve("diffusers/text_encoder_2/config.json"));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private static Path sdxl() {
        return Pack.root().resolve("sdxl");
    }

    @Test
    void theConfigOfAModelWithProjectionHasOne() {
        assertEquals(16, config.projectionDim());
        assertEquals("gelu", config.hiddenAct());
        assertEquals(0, DiffusersConfigs.textEncoder(sdxl().resolve("diffusers/text_encoder/config.json"))
                .projectionDim(), "CLIPTextModel's config names a projection_dim but has no projection");
    }

    @Test
    void diffusersFolderMatchesPenultimateAndTextEmbeds() {
        try (SafetensorsFile file = SafetensorsFile.open(sdxl().resolve("diffusers/text_encoder_2/model.safetensors"))) {
            Map<String, StoredPart> parts = new LinkedHashMap<>();
            for (String name : specs().keySet()) {
                parts.put(name, StoredPart.whole(file, name.startsWith("text_projection") ? name : "text_model." + name));
            }
            check("diffusers", parts);
        }
    }

    @Test
    void openClipSingleFileMatchesPenultimateAndTextEmbeds() {
        try (SafetensorsFile file = SafetensorsFile.open(sdxl().resolve("single-file/tiny-sdxl-unet-te.safetensors"))) {
            check("single-file", OpenClipNames.parts(file, OPENCLIP_PREFIX, specs()));
        }
    }

    @Test
    void aModelWithoutProjectionGivesNoTextEmbeds() {
        try (SafetensorsFile file = SafetensorsFile.open(sdxl().resolve("diffusers/text_encoder/model.safetensors"))) {
            CLIPTextConfig plain = DiffusersConfigs.textEncoder(sdxl().resolve("diffusers/text_encoder/config.json"));
            Map<String, StoredPart> parts = new LinkedHashMap<>();
            ParameterSpecs.of(w -> new CLIPTextModel(plain, w, DataType.FLOAT32)).keySet()
                    .forEach(name -> parts.put(name, StoredPart.whole(file, name)));
            try (DeviceWeights weights = new DeviceWeights(new PartsWeightSource(parts), manager.newSubManager(),
                    DataType.FLOAT32)) {
                CLIPTextOutput out = new CLIPTextModel(plain, weights, DataType.FLOAT32)
                        .forward(reference.get("input_ids"));
                assertNull(out.textEmbeds());
                assertClose("CLIP-L penultimate", out.penultimateHiddenState(), reference.get("te1_penultimate"),
                        FORWARD_TOLERANCE);
            }
        }
    }

    private Map<String, Shape> specs() {
        return ParameterSpecs.of(w -> new CLIPTextModel(config, w, DataType.FLOAT32));
    }

    private void check(String layout, Map<String, StoredPart> parts) {
        try (DeviceWeights weights = new DeviceWeights(new PartsWeightSource(parts), manager.newSubManager(),
                DataType.FLOAT32)) {
            CLIPTextModel model = new CLIPTextModel(config, weights, DataType.FLOAT32);
            CLIPTextOutput out = model.forward(reference.get("input_ids"));
            assertClose("CLIP-G " + layout + " penultimate", out.penultimateHiddenState(),
                    reference.get("te2_penultimate"), FORWARD_TOLERANCE);
            assertClose("CLIP-G " + layout + " text_embeds", out.textEmbeds(), reference.get("te2_text_embeds"),
                    FORWARD_TOLERANCE);
            assertClose("CLIP-G " + layout + " project(pooled)", model.project(out.pooledOutput()),
                    reference.get("te2_text_embeds"), FORWARD_TOLERANCE);
        }
    }
}
