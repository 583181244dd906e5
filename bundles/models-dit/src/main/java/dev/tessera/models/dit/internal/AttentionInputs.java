package dev.tessera.models.dit.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.dit.AttentionMask;
import dev.tessera.models.dit.AttentionMode;

/**
 * What one block's attention needs besides its activations: the rotary tables of the whole sequence (null: no
 * rotary embedding, as in SD3's MMDiT), and the block's mask (null for none) with its dense bias when the dense
 * path will use it (prepared once per forward).
 */
public record AttentionInputs(Rope rope, AttentionMask mask, NDArray bias, AttentionMode mode) {}
