package io.adapterforge.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.adapterforge.trainer.NativeArrays;

/**
 * The gated MLP of one layer, {@code down(act(gate(x)) · up(x))} with SiLU (SwiGLU) or GELU-tanh.
 * Immutable apart from the projections' adapters; thread-safe.
 */
final class FeedForward {
  private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

  private final Projection gate;
  private final Projection up;
  private final Projection down;
  private final HiddenActivation activation;

  FeedForward(Projection gate, Projection up, Projection down, HiddenActivation activation) {
    this.gate = gate;
    this.up = up;
    this.down = down;
    this.activation = activation;
  }

  NDArray apply(NDArray x) {
    NDArray gated = gate.apply(x);
    NDArray activated =
        activation == HiddenActivation.SILU
            ? gated.mul(Activation.sigmoid(gated))
            : geluTanh(gated);
    return down.apply(activated.mul(up.apply(x)));
  }

  /** {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}, PyTorch's tanh approximation. */
  static NDArray geluTanh(NDArray x) {
    // Scalars through NativeArrays: the autograd graph keeps them for the backward pass.
    NDArray inner =
        NativeArrays.mul(NativeArrays.mul(x.mul(x).mul(x), 0.044715f).add(x), SQRT_2_OVER_PI);
    return NativeArrays.mul(x, 0.5f).mul(inner.tanh().add(1f));
  }
}
