package io.adapterforge.train;

import static java.util.Objects.requireNonNull;

import io.adapterforge.config.LoraConfig;
import java.io.Serializable;
import java.util.List;

/**
 * How one adapter is trained: the run-wide {@link TrainSettings} with this adapter's overrides
 * ({@code adapters.<id>.lora.rank}, {@code .lora.alpha}, {@code .lora.target-modules}, {@code
 * .learning-rate}, {@code .epochs}) applied. Serializable.
 *
 * @param adapterId the adapter id
 * @param loraRank LoRA rank
 * @param loraAlpha LoRA alpha
 * @param loraDropout LoRA dropout
 * @param targetModules LoRA target modules
 * @param learningRate peak learning rate
 * @param epochs passes over the train split
 */
public record AdapterSpec(
    String adapterId,
    int loraRank,
    double loraAlpha,
    double loraDropout,
    List<String> targetModules,
    double learningRate,
    int epochs)
    implements Serializable {
  public AdapterSpec {
    requireNonNull(adapterId, "adapterId is null");
    // One set of rules for the LoRA shape: the config record's.
    targetModules = new LoraConfig(loraRank, loraAlpha, loraDropout, targetModules).targetModules();
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException(
          "Cannot use adapters."
              + adapterId
              + ".learning-rate "
              + learningRate
              + ": must be positive");
    }
    if (epochs < 1) {
      throw new IllegalArgumentException(
          "Cannot use adapters." + adapterId + ".epochs " + epochs + ": must be positive");
    }
  }

  /** The run-wide settings for {@code adapterId}, without overrides. */
  public static AdapterSpec of(String adapterId, TrainSettings settings) {
    return new AdapterSpec(
        adapterId,
        settings.loraRank(),
        settings.loraAlpha(),
        settings.loraDropout(),
        settings.targetModules(),
        settings.learningRate(),
        settings.epochs());
  }

  /** The LoRA shape as the config record. */
  public LoraConfig lora() {
    return new LoraConfig(loraRank, loraAlpha, loraDropout, targetModules);
  }
}
