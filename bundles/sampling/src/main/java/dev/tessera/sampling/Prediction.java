package dev.tessera.sampling;

/** What the network predicts (diffusers' {@code prediction_type}). */
public enum Prediction {
    /** The added noise (SD1.x, SDXL). */
    EPSILON,
    /** {@code alpha * noise - sigma * x0} (SD2.x 768-v). */
    V_PREDICTION,
    /** Rectified-flow velocity {@code noise - x0} (SD3, FLUX); only with flow schedules. */
    FLOW
}
