package io.adapterforge.trainer.model;

import ai.djl.ndarray.NDArray;

/**
 * Root-mean-square normalization over the last axis, {@code x / sqrt(mean(x²) + eps) · scale},
 * computed in float32. For Gemma the stored weight {@code w} means a scale of {@code 1 + w}; the
 * model passes that sum, computed once at load. Immutable and thread-safe.
 */
final class RmsNorm {
  private final NDArray scale;
  private final float eps;

  RmsNorm(NDArray scale, double eps) {
    this.scale = scale;
    this.eps = (float) eps;
  }

  NDArray apply(NDArray x) {
    int last = x.getShape().dimension() - 1;
    NDArray meanSquare = x.square().mean(new int[] {last}, true);
    return x.div(meanSquare.add(eps).sqrt()).mul(scale);
  }
}
