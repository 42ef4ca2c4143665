package io.adapterforge.trainer.train;

/**
 * The learning-rate multiplier per optimizer update, with linear warmup: transformers' {@code
 * get_constant_schedule_with_warmup}, {@code get_linear_schedule_with_warmup} and {@code
 * get_cosine_schedule_with_warmup} (half a cosine). As with {@code LambdaLR} stepped after each
 * update, update {@code k} (0-based) uses {@code factor(k)}, so the first update of a warmup has
 * learning rate 0.
 */
public enum LearningRateSchedule {
  /** 1 after warmup. */
  CONSTANT,
  /** Linear decay from 1 after warmup to 0 at the last update. */
  LINEAR,
  /** {@code 0.5·(1 + cos(π·progress))} after warmup. */
  COSINE;

  /**
   * The multiplier of update {@code step} (0-based) of {@code totalSteps}, after {@code
   * warmupSteps} of linear warmup.
   */
  public double factor(long step, long warmupSteps, long totalSteps) {
    if (step < warmupSteps) {
      return (double) step / Math.max(1, warmupSteps);
    }
    switch (this) {
      case CONSTANT:
        return 1.0;
      case LINEAR:
        return Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
      case COSINE:
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
      default:
        throw new IllegalStateException("Unknown schedule " + this);
    }
  }
}
