package io.adapterforge.trainer.train;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What one optimizer update did.
 *
 * @param step the update's number, from 1
 * @param totalSteps the number of updates the run plans
 * @param epoch epochs done after this update (fractional)
 * @param loss the mean cross-entropy over the update's scored tokens, before the update
 * @param learningRate the learning rate the update used
 * @param gradNorm the global L2 norm of the LoRA gradients before clipping
 * @param tokens real (non-padding) tokens in the update's micro-batches
 * @param tokensPerSecond {@code tokens} over the wall time of the forward, backward and update
 * @param validationLoss the mean cross-entropy over every validation token after this update, when
 *     it was computed at this step
 */
public record StepMetrics(
    long step,
    long totalSteps,
    double epoch,
    double loss,
    double learningRate,
    double gradNorm,
    long tokens,
    double tokensPerSecond,
    OptionalDouble validationLoss) {
  public StepMetrics {
    requireNonNull(validationLoss, "validationLoss is null");
  }

  /**
   * The fields as written to {@code metrics.json} and checkpoints: {@code step}, {@code epoch},
   * {@code loss}, {@code learning_rate}, {@code grad_norm}, {@code tokens}, {@code
   * tokens_per_second} and, when computed, {@code validation_loss}.
   */
  public Map<String, Object> toJsonFields() {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("step", step);
    entry.put("epoch", epoch);
    entry.put("loss", loss);
    entry.put("learning_rate", learningRate);
    entry.put("grad_norm", gradNorm);
    entry.put("tokens", tokens);
    entry.put("tokens_per_second", tokensPerSecond);
    if (validationLoss.isPresent()) {
      entry.put("validation_loss", validationLoss.getAsDouble());
    }
    return entry;
  }
}
