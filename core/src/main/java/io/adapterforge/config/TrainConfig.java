package io.adapterforge.config;

import static io.adapterforge.config.InvalidConfigException.check;
import static java.util.Objects.requireNonNull;

/**
 * {@code train.*}: how adapters are trained. The learning rate and the epochs may be overridden per
 * adapter ({@link AdapterConfig}); the same rules apply there.
 *
 * @param learningRate peak learning rate, positive and finite ({@code train.learning-rate}, default
 *     2e-4)
 * @param epochs passes over each adapter's train split, positive ({@code train.epochs}, default 3)
 * @param batchSize rows per micro-batch, positive ({@code train.batch-size}, default 8)
 * @param maxSteps updates per adapter; when positive it replaces the epochs, 0 = epochs decide
 *     ({@code train.max-steps}, default 0)
 * @param checkpointEvery updates between checkpoints, positive: resuming after a lost executor
 *     needs them ({@code train.checkpoint-every}, default 50)
 * @param evalEvery updates between validation losses; 0 = after the last update only ({@code
 *     train.eval-every}, default 0)
 * @param seed seed of the LoRA initialization, dropout and row order ({@code train.seed}, default
 *     42)
 * @param slots training slots (Spark tasks); 0 = one per task slot of the cluster ({@code
 *     train.slots}, default 0)
 * @param threadsPerSlot libtorch intra-op threads per slot; 0 = the task's cpus on executors, cores
 *     / slots in local mode ({@code train.threads-per-slot}, default 0)
 * @param lora the adapter shape ({@code train.lora.*})
 */
public record TrainConfig(
    double learningRate,
    int epochs,
    int batchSize,
    long maxSteps,
    long checkpointEvery,
    long evalEvery,
    long seed,
    int slots,
    int threadsPerSlot,
    LoraConfig lora) {
  public TrainConfig {
    checkLearningRate("train.learning-rate", learningRate);
    checkEpochs("train.epochs", epochs);
    check(batchSize > 0, "train.batch-size", batchSize, "must be positive");
    check(maxSteps >= 0, "train.max-steps", maxSteps, "must not be negative");
    check(
        checkpointEvery > 0,
        "train.checkpoint-every",
        checkpointEvery,
        "must be positive (resume needs checkpoints)");
    check(evalEvery >= 0, "train.eval-every", evalEvery, "must not be negative");
    check(slots >= 0, "train.slots", slots, "must not be negative (0 = one per task slot)");
    check(
        threadsPerSlot >= 0,
        "train.threads-per-slot",
        threadsPerSlot,
        "must not be negative (0 = auto)");
    requireNonNull(lora, "lora is null");
  }

  static void checkLearningRate(String key, double learningRate) {
    check(learningRate > 0 && Double.isFinite(learningRate), key, learningRate, "must be positive");
  }

  static void checkEpochs(String key, int epochs) {
    check(epochs > 0, key, epochs, "must be positive");
  }

  static TrainConfig from(ConfigReader reader) {
    return new TrainConfig(
        reader.number("train.learning-rate"),
        reader.integer("train.epochs"),
        reader.integer("train.batch-size"),
        reader.longInteger("train.max-steps"),
        reader.longInteger("train.checkpoint-every"),
        reader.longInteger("train.eval-every"),
        reader.longInteger("train.seed"),
        reader.integer("train.slots"),
        reader.integer("train.threads-per-slot"),
        LoraConfig.from(reader));
  }
}
