package dev.tessera.contextgen;

/** The two masks of ContextGen. */
public enum ContextGenMask {
    /** Contextual Layout Anchoring: text, main and layout tokens see each other; references see only themselves. */
    CLA,
    /** Identity Consistency Attention: CLA, plus main-image tokens in box j see reference j's foreground. */
    ICA
}
