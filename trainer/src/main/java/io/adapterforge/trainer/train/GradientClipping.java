package io.adapterforge.trainer.train;

import ai.djl.ndarray.NDArray;
import io.adapterforge.trainer.lora.TrainableParameter;
import java.util.List;

/**
 * Global-norm gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}: the L2 norm of all
 * gradients together, and when it exceeds {@code maxNorm} every gradient is scaled in place by
 * {@code maxNorm / (norm + 1e-6)}. DJL's own {@code optClipGrad} clips element values instead.
 * Stateless.
 */
final class GradientClipping {
  private GradientClipping() {}

  /**
   * The global norm of the parameters' gradients (before clipping); clips when {@code maxNorm > 0}.
   */
  static double clipGlobalNorm(List<TrainableParameter> parameters, double maxNorm) {
    double sumOfSquares = 0;
    for (TrainableParameter parameter : parameters) {
      try (NDArray gradient = parameter.array().getGradient();
          NDArray squares = gradient.square();
          NDArray sum = squares.sum()) {
        sumOfSquares += sum.getFloat();
      }
    }
    double norm = Math.sqrt(sumOfSquares);
    double coefficient = maxNorm / (norm + 1e-6);
    if (maxNorm > 0 && coefficient < 1) {
      for (TrainableParameter parameter : parameters) {
        try (NDArray gradient = parameter.array().getGradient()) {
          gradient.muli((float) coefficient);
        }
      }
    }
    return norm;
  }
}
