package io.adapterforge.trainer.train;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How one adapter is trained. Defaults follow transformers' {@code TrainingArguments} where it has
 * one (AdamW betas 0.9/0.999, epsilon 1e-8, weight decay 0, linear schedule, no warmup, gradient
 * clipping at 1.0, seed 42, 3 epochs) and LoRA practice elsewhere (learning rate 2e-4). Build with
 * {@link #builder()}; immutable.
 *
 * @param epochs passes over the training rows when {@code maxSteps} is 0
 * @param maxSteps optimizer updates to run, overriding {@code epochs} when positive (as {@code
 *     max_steps}); the data then repeats as often as needed
 * @param batchSize rows per micro-batch (one forward/backward pass)
 * @param gradientAccumulationSteps micro-batches per optimizer update; the loss of an update is the
 *     mean over every scored token of its micro-batches, as if they were one batch
 * @param learningRate the peak learning rate
 * @param weightDecay AdamW's decoupled weight decay, applied to every LoRA weight
 * @param adamBeta1 AdamW's first-moment decay
 * @param adamBeta2 AdamW's second-moment decay
 * @param adamEpsilon AdamW's epsilon
 * @param schedule the learning-rate schedule after warmup
 * @param warmupSteps updates of linear warmup; when 0, {@code ceil(warmupRatio · total updates)}
 * @param warmupRatio the warmup as a fraction of all updates, used when {@code warmupSteps} is 0
 * @param maxGradNorm clip the global L2 norm of the LoRA gradients to this; 0 turns clipping off
 * @param seed the seed of LoRA dropout and of the row order (the adapter's initial weights have
 *     their own seed)
 * @param groupByLength order rows so that each micro-batch holds rows of similar length (less
 *     padding): rows are shuffled, cut into groups of 50 micro-batches, sorted by length within a
 *     group, cut into micro-batches, and the micro-batches shuffled
 * @param evalSteps compute the validation loss every this many updates (and after the last); 0
 *     means only after the last
 * @param earlyStoppingPatience stop after this many validations in a row without improvement; 0
 *     never stops early
 * @param earlyStoppingThreshold the least decrease of the validation loss that counts as one
 * @param restoreBestWeights with validation rows, end with the weights of the best validation loss
 *     rather than the last ones
 * @param checkpointSteps write a checkpoint every this many updates (and after the last); 0 writes
 *     none
 * @param checkpointsToKeep how many of the newest checkpoints to keep
 * @param checkpointDirectory where checkpoints go, and where a run resumes from; null for none
 * @param padTokenId the id put in padding positions (they are masked, so any valid id works)
 */
public record TrainingOptions(
    int epochs,
    long maxSteps,
    int batchSize,
    int gradientAccumulationSteps,
    double learningRate,
    double weightDecay,
    double adamBeta1,
    double adamBeta2,
    double adamEpsilon,
    LearningRateSchedule schedule,
    long warmupSteps,
    double warmupRatio,
    double maxGradNorm,
    long seed,
    boolean groupByLength,
    long evalSteps,
    int earlyStoppingPatience,
    double earlyStoppingThreshold,
    boolean restoreBestWeights,
    long checkpointSteps,
    int checkpointsToKeep,
    Path checkpointDirectory,
    int padTokenId) {

  public TrainingOptions {
    requireNonNull(schedule, "schedule is null");
    check(epochs > 0, "epochs", epochs, "must be positive");
    check(maxSteps >= 0, "max steps", maxSteps, "must not be negative");
    check(batchSize > 0, "batch size", batchSize, "must be positive");
    check(
        gradientAccumulationSteps > 0,
        "gradient accumulation steps",
        gradientAccumulationSteps,
        "must be positive");
    check(
        learningRate > 0 && Double.isFinite(learningRate),
        "learning rate",
        learningRate,
        "must be positive");
    check(weightDecay >= 0, "weight decay", weightDecay, "must not be negative");
    check(adamBeta1 >= 0 && adamBeta1 < 1, "adam beta1", adamBeta1, "must be in [0, 1)");
    check(adamBeta2 >= 0 && adamBeta2 < 1, "adam beta2", adamBeta2, "must be in [0, 1)");
    check(adamEpsilon > 0, "adam epsilon", adamEpsilon, "must be positive");
    check(warmupSteps >= 0, "warmup steps", warmupSteps, "must not be negative");
    check(warmupRatio >= 0 && warmupRatio <= 1, "warmup ratio", warmupRatio, "must be in [0, 1]");
    check(maxGradNorm >= 0, "max grad norm", maxGradNorm, "must not be negative (0 = off)");
    check(evalSteps >= 0, "eval steps", evalSteps, "must not be negative");
    check(
        earlyStoppingPatience >= 0,
        "early stopping patience",
        earlyStoppingPatience,
        "must not be negative");
    check(
        earlyStoppingThreshold >= 0,
        "early stopping threshold",
        earlyStoppingThreshold,
        "must not be negative");
    check(checkpointSteps >= 0, "checkpoint steps", checkpointSteps, "must not be negative");
    check(checkpointsToKeep > 0, "checkpoints to keep", checkpointsToKeep, "must be positive");
    check(
        checkpointSteps == 0 || checkpointDirectory != null,
        "checkpoint steps",
        checkpointSteps,
        "needs a checkpoint directory");
    check(padTokenId >= 0, "pad token id", padTokenId, "must not be negative");
  }

  /** A builder with every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The checkpoint directory, if any. */
  public Optional<Path> checkpointDirectoryIfAny() {
    return Optional.ofNullable(checkpointDirectory);
  }

  /**
   * The options that determine the sequence of losses and weights, by name: what a resumed run must
   * share with the run that wrote its checkpoint (everything but where and how often checkpoints
   * are written).
   */
  public Map<String, Object> trajectory() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("epochs", epochs);
    fields.put("max_steps", maxSteps);
    fields.put("batch_size", batchSize);
    fields.put("gradient_accumulation_steps", gradientAccumulationSteps);
    fields.put("learning_rate", learningRate);
    fields.put("weight_decay", weightDecay);
    fields.put("adam_beta1", adamBeta1);
    fields.put("adam_beta2", adamBeta2);
    fields.put("adam_epsilon", adamEpsilon);
    fields.put("schedule", schedule.name());
    fields.put("warmup_steps", warmupSteps);
    fields.put("warmup_ratio", warmupRatio);
    fields.put("max_grad_norm", maxGradNorm);
    fields.put("seed", seed);
    fields.put("group_by_length", groupByLength);
    fields.put("eval_steps", evalSteps);
    fields.put("early_stopping_patience", earlyStoppingPatience);
    fields.put("early_stopping_threshold", earlyStoppingThreshold);
    fields.put("restore_best_weights", restoreBestWeights);
    fields.put("pad_token_id", padTokenId);
    return fields;
  }

  private static void check(boolean condition, String name, Object value, String rule) {
    if (!condition) {
      throw new IllegalArgumentException("Cannot use " + name + " " + value + ": " + rule);
    }
  }

  /** Builds {@link TrainingOptions}; every setter is optional. Not thread-safe. */
  public static final class Builder {
    private int epochs = 3;
    private long maxSteps;
    private int batchSize = 8;
    private int gradientAccumulationSteps = 1;
    private double learningRate = 2e-4;
    private double weightDecay;
    private double adamBeta1 = 0.9;
    private double adamBeta2 = 0.999;
    private double adamEpsilon = 1e-8;
    private LearningRateSchedule schedule = LearningRateSchedule.LINEAR;
    private long warmupSteps;
    private double warmupRatio;
    private double maxGradNorm = 1.0;
    private long seed = 42;
    private boolean groupByLength = true;
    private long evalSteps;
    private int earlyStoppingPatience;
    private double earlyStoppingThreshold;
    private boolean restoreBestWeights = true;
    private long checkpointSteps;
    private int checkpointsToKeep = 2;
    private Path checkpointDirectory;
    private int padTokenId;

    private Builder() {}

    private Builder(TrainingOptions o) {
      epochs = o.epochs;
      maxSteps = o.maxSteps;
      batchSize = o.batchSize;
      gradientAccumulationSteps = o.gradientAccumulationSteps;
      learningRate = o.learningRate;
      weightDecay = o.weightDecay;
      adamBeta1 = o.adamBeta1;
      adamBeta2 = o.adamBeta2;
      adamEpsilon = o.adamEpsilon;
      schedule = o.schedule;
      warmupSteps = o.warmupSteps;
      warmupRatio = o.warmupRatio;
      maxGradNorm = o.maxGradNorm;
      seed = o.seed;
      groupByLength = o.groupByLength;
      evalSteps = o.evalSteps;
      earlyStoppingPatience = o.earlyStoppingPatience;
      earlyStoppingThreshold = o.earlyStoppingThreshold;
      restoreBestWeights = o.restoreBestWeights;
      checkpointSteps = o.checkpointSteps;
      checkpointsToKeep = o.checkpointsToKeep;
      checkpointDirectory = o.checkpointDirectory;
      padTokenId = o.padTokenId;
    }

    public Builder optEpochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    public Builder optMaxSteps(long maxSteps) {
      this.maxSteps = maxSteps;
      return this;
    }

    public Builder optBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder optGradientAccumulationSteps(int steps) {
      this.gradientAccumulationSteps = steps;
      return this;
    }

    public Builder optLearningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    public Builder optWeightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    public Builder optAdamBetas(double beta1, double beta2) {
      this.adamBeta1 = beta1;
      this.adamBeta2 = beta2;
      return this;
    }

    public Builder optAdamEpsilon(double epsilon) {
      this.adamEpsilon = epsilon;
      return this;
    }

    public Builder optSchedule(LearningRateSchedule schedule) {
      this.schedule = schedule;
      return this;
    }

    public Builder optWarmupSteps(long warmupSteps) {
      this.warmupSteps = warmupSteps;
      return this;
    }

    public Builder optWarmupRatio(double warmupRatio) {
      this.warmupRatio = warmupRatio;
      return this;
    }

    public Builder optMaxGradNorm(double maxGradNorm) {
      this.maxGradNorm = maxGradNorm;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optGroupByLength(boolean groupByLength) {
      this.groupByLength = groupByLength;
      return this;
    }

    public Builder optEvalSteps(long evalSteps) {
      this.evalSteps = evalSteps;
      return this;
    }

    public Builder optEarlyStopping(int patience, double threshold) {
      this.earlyStoppingPatience = patience;
      this.earlyStoppingThreshold = threshold;
      return this;
    }

    public Builder optRestoreBestWeights(boolean restoreBestWeights) {
      this.restoreBestWeights = restoreBestWeights;
      return this;
    }

    /** Checkpoints every {@code steps} updates into {@code directory}, keeping the newest few. */
    public Builder optCheckpoints(Path directory, long steps, int keep) {
      this.checkpointDirectory = directory;
      this.checkpointSteps = steps;
      this.checkpointsToKeep = keep;
      return this;
    }

    public Builder optPadTokenId(int padTokenId) {
      this.padTokenId = padTokenId;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException naming the option, value and rule that is broken
     */
    public TrainingOptions build() {
      return new TrainingOptions(
          epochs,
          maxSteps,
          batchSize,
          gradientAccumulationSteps,
          learningRate,
          weightDecay,
          adamBeta1,
          adamBeta2,
          adamEpsilon,
          schedule,
          warmupSteps,
          warmupRatio,
          maxGradNorm,
          seed,
          groupByLength,
          evalSteps,
          earlyStoppingPatience,
          earlyStoppingThreshold,
          restoreBestWeights,
          checkpointSteps,
          checkpointsToKeep,
          checkpointDirectory,
          padTokenId);
    }
  }
}
