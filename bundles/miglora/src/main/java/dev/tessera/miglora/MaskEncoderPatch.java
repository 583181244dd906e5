package dev.tessera.miglora;

import ai.djl.ndarray.NDList;
import dev.tessera.model.api.ForwardHook;
import dev.tessera.model.api.HookContext;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The MIG handle a MIGLoRALoader leaves on a MODEL: the mask encoder, carried as a patch that wraps no stage (it
 * changes nothing by itself) so that MIGApply finds it among the model's patches and the handle's patch keys change
 * with the encoder file.
 */
public final class MaskEncoderPatch implements ForwardHook {

    private final MaskEncoder encoder;
    private final OptionalInt loraMaxInstances;

    /** The encoder alone: the adapter's instance cap is the encoder file's, else the released one. */
    public MaskEncoderPatch(MaskEncoder encoder) {
        this(encoder, OptionalInt.empty());
    }

    /**
     * @param loraMaxInstances the LoRA file's {@link MaskEncoder#MAX_INSTANCES_KEY}, if it has one
     */
    public MaskEncoderPatch(MaskEncoder encoder, OptionalInt loraMaxInstances) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.loraMaxInstances = Objects.requireNonNull(loraMaxInstances, "loraMaxInstances");
    }

    public MaskEncoder encoder() {
        return encoder;
    }

    /**
     * The most instances per image the adapter was trained on: the smaller of what the encoder and LoRA files
     * state ({@link MaskEncoder#MAX_INSTANCES_KEY}; they are trained together), else the released adapter's
     * {@link MaskEncoder#RELEASED_MAX_INSTANCES}.
     */
    public int trainedInstances() {
        OptionalInt own = encoder.maxInstances();
        if (own.isPresent() && loraMaxInstances.isPresent()) {
            return Math.min(own.getAsInt(), loraMaxInstances.getAsInt());
        }
        return own.isPresent() ? own.getAsInt() : loraMaxInstances.orElse(MaskEncoder.RELEASED_MAX_INSTANCES);
    }

    /** Where {@link #trainedInstances} comes from, for messages. */
    public String trainedInstancesSource() {
        if (encoder.maxInstances().isEmpty() && loraMaxInstances.isEmpty()) {
            return "the released adapter's training cap (no '" + MaskEncoder.MAX_INSTANCES_KEY + "' in the files)";
        }
        return "the adapter files' '" + MaskEncoder.MAX_INSTANCES_KEY + "'";
    }

    @Override
    public String key() {
        return encoder.key();
    }

    @Override
    public Set<String> points() {
        return Set.of();
    }

    @Override
    public NDList around(String point, NDList inputs, Stage next, HookContext context) {
        return next.run(inputs);
    }

    @Override
    public String toString() {
        return "MaskEncoderPatch[" + encoder + "]";
    }
}
