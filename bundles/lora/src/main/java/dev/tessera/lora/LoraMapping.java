package dev.tessera.lora;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.lora.internal.KeyTables;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.UNet2DConditionModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which LoRA module keys address which parameters of one model component: a table from every key spelling a LoRA
 * file may use (kohya, diffusers, PEFT, OneTrainer, ...) to the component's canonical (diffusers) parameter names.
 * Tables are built forward from the model's own parameter names, as ComfyUI's {@code model_lora_keys_unet/clip}
 * do, because underscored kohya names cannot be inverted unambiguously. The tables themselves are in one place,
 * {@link KeyTables}; this class is what the rest of the code sees.
 */
public final class LoraMapping {

    /**
     * Where one module key's delta goes.
     *
     * @param moduleRows the rows the module's up factor must have (the sum over all targets)
     * @param targets    the parameters it patches
     */
    public record ModuleTargets(long moduleRows, List<LoraTarget> targets) {

        public ModuleTargets {
            targets = List.copyOf(targets);
        }

        /** A module on exactly one parameter. */
        public static ModuleTargets whole(String parameter, Shape shape) {
            return new ModuleTargets(shape.get(0), List.of(LoraTarget.whole(parameter, shape)));
        }
    }

    private final String component;
    private final Map<String, ModuleTargets> byKey;

    private LoraMapping(String component, Map<String, ModuleTargets> byKey) {
        this.component = component;
        this.byKey = Map.copyOf(byKey);
    }

    /** A mapping from an explicit table (keys as LoRA files spell them, without the up/down/alpha suffix). */
    public static LoraMapping of(String component, Map<String, ModuleTargets> byKey) {
        return new LoraMapping(component, byKey);
    }

    /** The SD1.x/SD2.x UNet of {@code config}: kohya (diffusers and LDM module paths), diffusers, PEFT names. */
    public static LoraMapping forSd15Unet(UNet2DConditionConfig config) {
        return forSd15Unet(ParameterSpecs.of(w -> new UNet2DConditionModel(config, w, DataType.FLOAT32)));
    }

    /**
     * The SD1.x/SD2.x UNet whose canonical parameters are {@code parameters} (name to shape); the LDM layout kohya
     * names may follow is read from the names (resnets per level, which levels attend).
     */
    public static LoraMapping forSd15Unet(Map<String, Shape> parameters) {
        return new LoraMapping("SD1.x UNet", KeyTables.sd15Unet(parameters));
    }

    /** The SD1.x CLIP text encoder of {@code config}: kohya {@code lora_te_}, diffusers {@code text_encoder.}. */
    public static LoraMapping forSd15TextEncoder(CLIPTextConfig config) {
        return forSd15TextEncoder(ParameterSpecs.of(w -> new CLIPTextModel(config, w, DataType.FLOAT32)));
    }

    /** The SD1.x CLIP text encoder whose canonical parameters are {@code parameters}. */
    public static LoraMapping forSd15TextEncoder(Map<String, Shape> parameters) {
        return new LoraMapping("SD1.x text encoder", KeyTables.sd15TextEncoder(parameters));
    }

    /** The SDXL UNet: the SD1.x table's key forms (it is built from the names, added embedding included). */
    public static LoraMapping forSdxlUnet(Map<String, Shape> parameters) {
        return new LoraMapping("SDXL UNet", KeyTables.sd15Unet(parameters));
    }

    /**
     * SDXL's (and SD3's) CLIP-L ({@code first}: kohya {@code lora_te1_}, diffusers {@code text_encoder.}) or
     * OpenCLIP-G (kohya {@code lora_te2_}, diffusers {@code text_encoder_2.}) whose parameters are {@code parameters}.
     */
    public static LoraMapping forDualClip(Map<String, Shape> parameters, boolean first) {
        return new LoraMapping(first ? "CLIP-L text encoder" : "CLIP-G text encoder",
                KeyTables.dualClipTextEncoder(parameters, first));
    }

    /**
     * The FLUX transformer whose canonical parameters (diffusers {@code FluxTransformer2DModel} names) are {@code
     * parameters}: kohya over BFL module names (fused {@code qkv}, {@code linear1} split onto q/k/v/mlp), diffusers
     * {@code transformer.} names, OneTrainer / lycoris underscored names.
     */
    public static LoraMapping forFlux(Map<String, Shape> parameters) {
        return new LoraMapping("FLUX transformer", KeyTables.flux(parameters));
    }

    /**
     * The SD3 MMDiT whose canonical parameters (diffusers {@code SD3Transformer2DModel} names) are {@code
     * parameters}: kohya over the original MMDiT names (fused {@code qkv}), diffusers {@code transformer.} and
     * {@code base_model.model.} names, OneTrainer / lycoris underscored names.
     */
    public static LoraMapping forSd3(Map<String, Shape> parameters) {
        return new LoraMapping("SD3 transformer", KeyTables.sd3(parameters));
    }

    /** What this table patches, for messages ("SD1.x UNet"). */
    public String component() {
        return component;
    }

    /** Where module {@code key}'s delta goes, if this component has it. */
    public Optional<ModuleTargets> targets(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    /** Every key this table knows. */
    public Set<String> keys() {
        return byKey.keySet();
    }

    @Override
    public String toString() {
        return "LoraMapping[" + component + ", " + byKey.size() + " keys]";
    }
}
