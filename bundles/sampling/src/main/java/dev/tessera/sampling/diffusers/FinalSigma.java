package dev.tessera.sampling.diffusers;

/** The noise level after the last step (diffusers' {@code final_sigmas_type} / DDIM's {@code set_alpha_to_one}). */
public enum FinalSigma {
    /** End at sigma 0: the last step returns the clean prediction. */
    ZERO,
    /** End at the smallest training sigma (timestep 0), as DDIM with {@code set_alpha_to_one=False}. */
    SIGMA_MIN
}
