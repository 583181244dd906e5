package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Linear;
import dev.tessera.models.core.layers.Ops;
import dev.tessera.tensor.ScalarOps;
import dev.tessera.tensor.TensorScope;

/**
 * diffusers' ResnetBlock2D ("default" time-embedding norm): norm1, SiLU, conv1, + projected time embedding,
 * norm2, SiLU, conv2, plus the input (through a 1x1 conv_shortcut when the channel count changes), divided by the
 * output scale factor. Without time embedding channels (the VAE) there is no time_emb_proj.
 */
public final class ResnetBlock2D {

    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear timeEmbProj;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d convShortcut;
    private final float outputScale;

    public ResnetBlock2D(Weights weights, String prefix, long in, long out, long tembChannels, int groups, float eps,
            float outputScale) {
        this.norm1 = new GroupNorm(weights, prefix + ".norm1", groups, in, eps);
        this.conv1 = new Conv2d(weights, prefix + ".conv1", in, out, 3, 1, 1);
        this.timeEmbProj = tembChannels > 0
                ? new Linear(weights, prefix + ".time_emb_proj", tembChannels, out, true) : null;
        this.norm2 = new GroupNorm(weights, prefix + ".norm2", groups, out, eps);
        this.conv2 = new Conv2d(weights, prefix + ".conv2", out, out, 3, 1, 1);
        this.convShortcut = in != out ? new Conv2d(weights, prefix + ".conv_shortcut", in, out, 1, 1, 0) : null;
        this.outputScale = outputScale;
    }

    /** {@code x} [batch, in, h, w]; {@code temb} [batch, tembChannels], or null when built without. */
    public NDArray forward(NDArray x, NDArray temb) {
        return TensorScope.keep(() -> {
            NDArray h = conv1.forward(Ops.silu(norm1.forward(x)));
            if (timeEmbProj != null) {
                NDArray t = timeEmbProj.forward(Ops.silu(temb));
                h = h.add(t.reshape(t.getShape().get(0), t.getShape().get(1), 1, 1));
            }
            h = conv2.forward(Ops.silu(norm2.forward(h)));
            NDArray shortcut = convShortcut == null ? x : convShortcut.forward(x);
            NDArray sum = shortcut.add(h);
            return outputScale == 1f ? sum : ScalarOps.divide(sum, outputScale);
        });
    }
}
