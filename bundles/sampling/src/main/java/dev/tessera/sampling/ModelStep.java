package dev.tessera.sampling;

/**
 * Where a sampler is when it calls the model: step {@code index} of {@code total}, the model timestep and the
 * schedule's noise level. Lets a model patch switch on or off by step (e.g. a guidance schedule).
 */
public record ModelStep(int index, int total, double timestep, double sigma) {}
