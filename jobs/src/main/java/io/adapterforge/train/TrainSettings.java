package io.adapterforge.train;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * Run-wide training settings of the train job. Until {@code train.*} has these keys (see each
 * parameter), they come from {@code train}'s command-line options with the defaults of {@link
 * #defaults}; each maps one-to-one to a config key. Serializable: it travels to the executors.
 *
 * @param learningRate peak learning rate ({@code train.learning-rate}, default 2e-4)
 * @param epochs passes over each adapter's train split ({@code train.epochs}, default 3)
 * @param batchSize rows per micro-batch ({@code train.batch-size}, default 8)
 * @param maxSteps updates per adapter overriding epochs when positive ({@code train.max-steps},
 *     default 0)
 * @param checkpointEvery updates between checkpoints ({@code train.checkpoint-every}, default 50);
 *     at least 1, since resuming after a lost executor needs checkpoints
 * @param evalEvery updates between validation losses; 0 = after the last only ({@code
 *     train.eval-every}, default 0)
 * @param seed seed of the LoRA initialization, dropout and row order ({@code train.seed}, 42)
 * @param slots training slots; 0 = one per task slot of the cluster ({@code train.slots}, 0)
 * @param threadsPerSlot libtorch intra-op threads per slot; 0 = the task's cpus on executors, cores
 *     / slots in local mode ({@code train.threads-per-slot}, 0)
 * @param loraRank default LoRA rank ({@code train.lora.rank})
 * @param loraAlpha default LoRA alpha ({@code train.lora.alpha})
 * @param loraDropout LoRA dropout ({@code train.lora.dropout})
 * @param targetModules default LoRA target modules ({@code train.lora.target-modules})
 */
public record TrainSettings(
    double learningRate,
    int epochs,
    int batchSize,
    long maxSteps,
    long checkpointEvery,
    long evalEvery,
    long seed,
    int slots,
    int threadsPerSlot,
    int loraRank,
    double loraAlpha,
    double loraDropout,
    List<String> targetModules)
    implements Serializable {
  public TrainSettings {
    requireNonNull(targetModules, "targetModules is null");
    check(
        learningRate > 0 && Double.isFinite(learningRate),
        "learning-rate",
        learningRate,
        "must be positive");
    check(epochs > 0, "epochs", epochs, "must be positive");
    check(batchSize > 0, "batch-size", batchSize, "must be positive");
    check(maxSteps >= 0, "max-steps", maxSteps, "must not be negative");
    check(
        checkpointEvery > 0,
        "checkpoint-every",
        checkpointEvery,
        "must be positive (resume needs checkpoints)");
    check(evalEvery >= 0, "eval-every", evalEvery, "must not be negative");
    check(slots >= 0, "slots", slots, "must not be negative (0 = one per task slot)");
    check(
        threadsPerSlot >= 0, "threads-per-slot", threadsPerSlot, "must not be negative (0 = auto)");
    targetModules = List.copyOf(targetModules);
  }

  /** The defaults, with the LoRA shape of {@code train.lora.*}. */
  public static TrainSettings defaults(io.adapterforge.config.LoraConfig lora) {
    return new TrainSettings(
        2e-4,
        3,
        8,
        0,
        50,
        0,
        42,
        0,
        0,
        lora.rank(),
        lora.alpha(),
        lora.dropout(),
        lora.targetModules());
  }

  private static void check(boolean ok, String key, Object value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException("Cannot use train." + key + " " + value + ": " + rule);
    }
  }
}
