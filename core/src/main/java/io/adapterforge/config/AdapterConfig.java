package io.adapterforge.config;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * {@code adapters.<adapter_id>.*}: overrides for one adapter. Each is optional; an absent value
 * falls back to the stage-wide setting named beside it, and a present one follows that setting's
 * rules (a message names the adapter's own key, e.g. {@code adapters.support-ru.lora.rank}).
 *
 * @param id the adapter id (validated against {@link AdapterIds#PATTERN})
 * @param systemPrompt system prompt for this adapter's conversations that have none ({@code
 *     adapters.<id>.system-prompt}, default {@code prepare.system-prompt})
 * @param loraRank LoRA rank ({@code adapters.<id>.lora.rank}, default {@code train.lora.rank})
 * @param loraAlpha LoRA alpha ({@code adapters.<id>.lora.alpha}, default {@code train.lora.alpha})
 * @param targetModules LoRA target modules ({@code adapters.<id>.lora.target-modules}, default
 *     {@code train.lora.target-modules})
 * @param learningRate peak learning rate ({@code adapters.<id>.learning-rate}, default {@code
 *     train.learning-rate})
 * @param epochs passes over the train split ({@code adapters.<id>.epochs}, default {@code
 *     train.epochs})
 */
public record AdapterConfig(
    String id,
    Optional<String> systemPrompt,
    OptionalInt loraRank,
    OptionalDouble loraAlpha,
    Optional<List<String>> targetModules,
    OptionalDouble learningRate,
    OptionalInt epochs) {
  public AdapterConfig {
    requireNonNull(id, "id is null");
    requireNonNull(systemPrompt, "systemPrompt is null");
    requireNonNull(loraRank, "loraRank is null");
    requireNonNull(loraAlpha, "loraAlpha is null");
    requireNonNull(targetModules, "targetModules is null");
    requireNonNull(learningRate, "learningRate is null");
    requireNonNull(epochs, "epochs is null");
    if (!AdapterIds.isValid(id)) {
      throw new InvalidConfigException(
          "adapters." + id, "Cannot use adapters." + id + ": the adapter id " + AdapterIds.RULE);
    }
    loraRank.ifPresent(rank -> LoraConfig.checkRank(key(id, "lora.rank"), rank));
    loraAlpha.ifPresent(alpha -> LoraConfig.checkAlpha(key(id, "lora.alpha"), alpha));
    targetModules =
        targetModules.map(
            modules -> LoraConfig.checkTargetModules(key(id, "lora.target-modules"), modules));
    learningRate.ifPresent(rate -> TrainConfig.checkLearningRate(key(id, "learning-rate"), rate));
    epochs.ifPresent(count -> TrainConfig.checkEpochs(key(id, "epochs"), count));
  }

  /** An adapter with no overrides. */
  public static AdapterConfig of(String id) {
    return new AdapterConfig(
        id,
        Optional.empty(),
        OptionalInt.empty(),
        OptionalDouble.empty(),
        Optional.empty(),
        OptionalDouble.empty(),
        OptionalInt.empty());
  }

  /** The full key of one of this adapter's settings, e.g. {@code adapters."legal.de".epochs}. */
  public static String key(String id, String leaf) {
    return ConfigReader.childKey("adapters", id, leaf);
  }

  static Map<String, AdapterConfig> from(ConfigReader reader) {
    Map<String, AdapterConfig> adapters = new LinkedHashMap<>();
    for (String id : reader.childNames("adapters")) {
      adapters.put(
          id,
          new AdapterConfig(
              id,
              reader.optionalString(key(id, "system-prompt")),
              reader.optionalInteger(key(id, "lora.rank")),
              reader.optionalNumber(key(id, "lora.alpha")),
              reader.optionalStringList(key(id, "lora.target-modules")),
              reader.optionalNumber(key(id, "learning-rate")),
              reader.optionalInteger(key(id, "epochs"))));
    }
    return Map.copyOf(adapters);
  }
}
