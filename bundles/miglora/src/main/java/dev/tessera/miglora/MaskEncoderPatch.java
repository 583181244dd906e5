package dev.tessera.miglora;

import ai.djl.ndarray.NDList;
import dev.tessera.model.api.ForwardHook;
import dev.tessera.model.api.HookContext;
import java.util.Objects;
import java.util.Set;

/**
 * The MIG handle a MIGLoRALoader leaves on a MODEL: the mask encoder, carried as a patch that wraps no stage (it
 * changes nothing by itself) so that MIGApply finds it among the model's patches and the handle's patch keys change
 * with the encoder file.
 */
public final class MaskEncoderPatch implements ForwardHook {

    private final MaskEncoder encoder;

    public MaskEncoderPatch(MaskEncoder encoder) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
    }

    public MaskEncoder encoder() {
        return encoder;
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
