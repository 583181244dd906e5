package dev.tessera.models.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.tessera.model.api.ForwardHook;
import dev.tessera.model.api.HookContext;
import dev.tessera.model.api.HookPoints;
import java.util.List;

/**
 * The SD UNet forward with forward hooks around its stages, in the order a MODEL handle calls them (time embedding,
 * {@link HookPoints#UNET_CONV_IN}, {@link HookPoints#UNET_ENCODE}, decode with the batch's own context, all inside
 * {@link HookPoints#UNET_PREDICTION}): the forward of the SD1.x MODEL handle's guided denoiser, and of plug-ins' tests,
 * benchmarks and conformance families that run their hooks on a bare UNet. The UNet's plug-in point: plug-ins
 * (miglora) depend on this bundle and model-api, not on a node bundle.
 */
public final class HookedUNet {

    private HookedUNet() {}

    /** The prediction for {@code sample} with the hooks active at {@code where.step()}. */
    public static NDArray forward(UNet2DConditionModel unet, List<ForwardHook> hooks, NDArray sample,
            NDArray timesteps, NDArray context, HookContext where) {
        return forward(unet, hooks, sample, timesteps, context, null, where);
    }

    /**
     * The prediction with SDXL's added conditioning {@code added} [B, adm] (null for a UNet without it). The
     * {@link HookPoints#UNET_PREDICTION} stage then has it as a fourth input; it enters the time embedding, so the
     * later stages see it in {@code temb} (a hook that repeats temb rows repeats each row's added conditioning).
     */
    public static NDArray forward(UNet2DConditionModel unet, List<ForwardHook> hooks, NDArray sample,
            NDArray timesteps, NDArray context, NDArray added, HookContext where) {
        List<ForwardHook> active = hooks.stream().filter(h -> h.activeAt(where.step())).toList();
        ForwardHook.Stage prediction = in -> {
            NDArray x = in.get(0);
            NDArray ctx = in.get(2);
            NDArray temb = unet.timeEmbedding(in.get(1), x.getShape().get(0), in.size() > 3 ? in.get(3) : null);
            NDArray h = stage(active, HookPoints.UNET_CONV_IN, new NDList(x),
                    i -> new NDList(unet.convIn(i.get(0))), where).get(0);
            NDList features = stage(active, HookPoints.UNET_ENCODE, new NDList(h, temb, ctx), i -> {
                UNetFeatures f = unet.encode(i.get(0), i.get(1), i.get(2));
                NDList all = new NDList(f.skips());
                all.add(f.middle());
                return all;
            }, where);
            UNetFeatures combined = new UNetFeatures(features.subList(0, features.size() - 1),
                    features.get(features.size() - 1));
            return new NDList(unet.decode(combined, temb, ctx));
        };
        NDList inputs = added == null ? new NDList(sample, timesteps, context)
                : new NDList(sample, timesteps, context, added);
        return stage(active, HookPoints.UNET_PREDICTION, inputs, prediction, where).get(0);
    }

    /** The skips and middle output after {@link HookPoints#UNET_ENCODE} with the hooks (middle last). */
    public static NDList features(UNet2DConditionModel unet, List<ForwardHook> hooks, NDArray sample,
            NDArray timesteps, NDArray context, HookContext where) {
        return features(unet, hooks, sample, timesteps, context, null, where);
    }

    /** {@link #features(UNet2DConditionModel, List, NDArray, NDArray, NDArray, HookContext)} with SDXL's added conditioning. */
    public static NDList features(UNet2DConditionModel unet, List<ForwardHook> hooks, NDArray sample,
            NDArray timesteps, NDArray context, NDArray added, HookContext where) {
        List<ForwardHook> active = hooks.stream().filter(h -> h.activeAt(where.step())).toList();
        NDArray temb = unet.timeEmbedding(timesteps, sample.getShape().get(0), added);
        NDArray h = stage(active, HookPoints.UNET_CONV_IN, new NDList(sample),
                i -> new NDList(unet.convIn(i.get(0))), where).get(0);
        return stage(active, HookPoints.UNET_ENCODE, new NDList(h, temb, context), i -> {
            UNetFeatures f = unet.encode(i.get(0), i.get(1), i.get(2));
            NDList all = new NDList(f.skips());
            all.add(f.middle());
            return all;
        }, where);
    }

    private static NDList stage(List<ForwardHook> active, String point, NDList inputs, ForwardHook.Stage base,
            HookContext where) {
        ForwardHook.Stage stage = base;
        for (ForwardHook hook : active) {
            if (hook.points().contains(point)) {
                ForwardHook.Stage inner = stage;
                stage = in -> hook.around(point, in, inner, where);
            }
        }
        return stage.run(inputs);
    }
}
