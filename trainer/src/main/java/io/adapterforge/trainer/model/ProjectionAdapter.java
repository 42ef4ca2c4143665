package io.adapterforge.trainer.model;

import ai.djl.ndarray.NDArray;

/**
 * A learned change to one {@link Projection}: its output is added to the frozen projection's, so
 * {@code y = x·Wᵀ + b + delta(x)}. LoRA is the adapter the trainer uses ({@code delta(x) = scale ·
 * B·A·x}).
 *
 * <p>{@link #delta} receives the projection's input, {@code [..., in_features]}, and returns {@code
 * [..., out_features]}; its result must be derived from the input (so it is attached to the input's
 * manager) and never attached to the model's weight manager. Implementations used from several
 * threads at once must be thread-safe.
 */
@FunctionalInterface
public interface ProjectionAdapter {
  /** The output to add to the frozen projection of {@code input}. */
  NDArray delta(NDArray input);
}
