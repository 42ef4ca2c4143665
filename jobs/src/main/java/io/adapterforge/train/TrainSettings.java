package io.adapterforge.train;

import io.adapterforge.config.LoraConfig;
import io.adapterforge.config.TrainConfig;
import java.io.Serializable;
import java.util.List;

/**
 * Run-wide training settings of the train job: {@code train.*} ({@link TrainConfig}) flattened into
 * a record that travels to the executors, made with {@link #from}. Each component maps one-to-one
 * to a config key and follows its rules. Serializable.
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
    // One set of rules for these keys: the config records'; their messages name the keys.
    TrainConfig checked =
        new TrainConfig(
            learningRate,
            epochs,
            batchSize,
            maxSteps,
            checkpointEvery,
            evalEvery,
            seed,
            slots,
            threadsPerSlot,
            new LoraConfig(loraRank, loraAlpha, loraDropout, targetModules));
    targetModules = checked.lora().targetModules();
  }

  /** The settings of a loaded configuration ({@code AdapterforgeConfig.train()}). */
  public static TrainSettings from(TrainConfig train) {
    LoraConfig lora = train.lora();
    return new TrainSettings(
        train.learningRate(),
        train.epochs(),
        train.batchSize(),
        train.maxSteps(),
        train.checkpointEvery(),
        train.evalEvery(),
        train.seed(),
        train.slots(),
        train.threadsPerSlot(),
        lora.rank(),
        lora.alpha(),
        lora.dropout(),
        lora.targetModules());
  }

  /**
   * The defaults of {@code train.*} in {@code conf/local.conf}, with the LoRA shape of {@code
   * train.lora.*}.
   */
  public static TrainSettings defaults(LoraConfig lora) {
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
}
