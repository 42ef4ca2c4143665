package io.adapterforge.trainer.train;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * How a run went.
 *
 * @param steps updates done (including those before a resume)
 * @param totalSteps updates the run planned; fewer were done when it stopped early
 * @param history every update's metrics, in order (restored from the checkpoint on resume)
 * @param bestValidationLoss the lowest validation loss seen, if validation rows were given
 * @param bestStep the update of the lowest validation loss; 0 without validation
 * @param stoppedEarly whether early stopping ended the run
 * @param resumedFromStep the checkpoint's update count the run resumed from; 0 for a fresh run
 * @param trainingRows training rows used
 * @param skippedRows training rows dropped because no label after their first token is trained
 */
public record TrainingResult(
    long steps,
    long totalSteps,
    List<StepMetrics> history,
    OptionalDouble bestValidationLoss,
    long bestStep,
    boolean stoppedEarly,
    long resumedFromStep,
    int trainingRows,
    int skippedRows) {
  public TrainingResult {
    requireNonNull(history, "history is null");
    requireNonNull(bestValidationLoss, "bestValidationLoss is null");
    history = List.copyOf(history);
  }

  /**
   * The content of {@code metrics.json}: {@code global_steps}, {@code total_steps}, {@code
   * final_loss}, {@code best_validation_loss} and {@code best_step} (null and 0 without
   * validation), {@code stopped_early}, {@code resumed_from_step}, {@code training_rows}, {@code
   * skipped_rows} and {@code steps}, the loss curve ({@link StepMetrics#toJsonFields()} per
   * update).
   */
  public Map<String, Object> toJsonFields() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("global_steps", steps);
    root.put("total_steps", totalSteps);
    root.put("final_loss", history.isEmpty() ? null : finalLoss());
    root.put(
        "best_validation_loss",
        bestValidationLoss.isPresent() ? bestValidationLoss.getAsDouble() : null);
    root.put("best_step", bestStep);
    root.put("stopped_early", stoppedEarly);
    root.put("resumed_from_step", resumedFromStep);
    root.put("training_rows", trainingRows);
    root.put("skipped_rows", skippedRows);
    List<Map<String, Object>> curve = new ArrayList<>();
    history.forEach(metrics -> curve.add(metrics.toJsonFields()));
    root.put("steps", curve);
    return root;
  }

  /** The loss of the last update; NaN if there was none. */
  public double finalLoss() {
    return history.isEmpty() ? Double.NaN : history.get(history.size() - 1).loss();
  }
}
