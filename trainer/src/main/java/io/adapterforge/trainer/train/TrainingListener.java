package io.adapterforge.trainer.train;

/**
 * Receives each update's metrics, on the training thread, after the update (and its validation and
 * checkpoint, when due). An exception thrown here ends the run and propagates to the caller; the
 * last checkpoint written stays, so the run can resume from it.
 */
@FunctionalInterface
public interface TrainingListener {
  /** Ignores every update. */
  TrainingListener NONE = metrics -> {};

  /** Called once per update. */
  void onStep(StepMetrics metrics);
}
