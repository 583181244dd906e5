package dev.tessera.diffusion.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.sampling.ModelStep;

/**
 * ComfyUI's {@code Guider_DualCFG} (DualCFGGuider): {@code cond1}, {@code cond2} and {@code negative} each predicted
 * alone and combined as
 * <ul>
 *   <li>regular: {@code neg + cfg2 (cond2 - neg) + cfg1 (cond1 - cond2)};</li>
 *   <li>nested: {@code neg + cfg2 ((cond2 + cfg1 (cond1 - cond2)) - neg)}.</li>
 * </ul>
 * ComfyUI combines denoised (x0) estimates; the weights sum to 1, so the same weights on the raw outputs (noise,
 * velocity, flow) give the same x0. A side whose weight is 0 is not evaluated (ComfyUI's cfg-1 shortcut).
 */
public final class DualCfgDenoiser implements BoundDenoiser {

    private final BoundDenoiser[] sides;
    private final double[] weights;

    /**
     * @param cfg1 ComfyUI's {@code cfg_conds}
     * @param cfg2 ComfyUI's {@code cfg_cond2_negative}
     * @param manager parent of the prepared conditioning, freed on close
     */
    public DualCfgDenoiser(DiffusionModel model, Conditioning cond1, Conditioning cond2, Conditioning negative,
            double cfg1, double cfg2, boolean nested, NDManager manager) {
        weights = weights(cfg1, cfg2, nested);
        Conditioning[] conds = {cond1, cond2, negative};
        sides = new BoundDenoiser[3];
        try {
            for (int i = 0; i < 3; i++) {
                if (weights[i] != 0) {
                    sides[i] = model.guided(conds[i], null, 1.0, manager);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The weights of cond1, cond2 and negative. */
    static double[] weights(double cfg1, double cfg2, boolean nested) {
        return nested ? new double[] {cfg2 * cfg1, cfg2 * (1 - cfg1), 1 - cfg2}
                : new double[] {cfg1, cfg2 - cfg1, 1 - cfg2};
    }

    @Override
    public NDArray predict(NDArray input, ModelStep step) {
        NDArray sum = null;
        for (int i = 0; i < 3; i++) {
            if (sides[i] == null) {
                continue;
            }
            NDArray out = sides[i].predict(input, step);
            NDArray weighted = out.mul((float) weights[i]);
            out.close();
            if (sum == null) {
                sum = weighted;
            } else {
                sum.addi(weighted);
                weighted.close();
            }
        }
        return sum;
    }

    @Override
    public void close() {
        for (BoundDenoiser side : sides) {
            if (side != null) {
                side.close();
            }
        }
    }
}
