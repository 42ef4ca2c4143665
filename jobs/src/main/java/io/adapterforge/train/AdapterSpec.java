package io.adapterforge.train;

import static java.util.Objects.requireNonNull;

import io.adapterforge.config.AdapterConfig;
import io.adapterforge.config.LoraConfig;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * How one adapter is trained: the run-wide {@link TrainSettings} with this adapter's overrides
 * ({@code adapters.<id>.lora.rank}, {@code .lora.alpha}, {@code .lora.target-modules}, {@code
 * .learning-rate}, {@code .epochs}) applied, made with {@link #of(String, TrainSettings,
 * AdapterConfig)}. Serializable.
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
    // One set of rules: the config records'. The overridable values are checked as this
    // adapter's keys (adapters.<id>.*), the dropout as train.lora.dropout.
    new AdapterConfig(
        adapterId,
        Optional.empty(),
        OptionalInt.of(loraRank),
        OptionalDouble.of(loraAlpha),
        Optional.of(targetModules),
        OptionalDouble.of(learningRate),
        OptionalInt.of(epochs));
    targetModules = new LoraConfig(loraRank, loraAlpha, loraDropout, targetModules).targetModules();
  }

  /** The run-wide settings for {@code adapterId}, without overrides. */
  public static AdapterSpec of(String adapterId, TrainSettings settings) {
    return of(adapterId, settings, AdapterConfig.of(adapterId));
  }

  /**
   * The run-wide settings with the overrides of {@code adapter} ({@code adapters.<id>.*}); each
   * absent override keeps the run-wide value.
   *
   * @throws IllegalArgumentException when {@code adapter} is another adapter's config
   */
  public static AdapterSpec of(String adapterId, TrainSettings settings, AdapterConfig adapter) {
    requireNonNull(settings, "settings is null");
    requireNonNull(adapter, "adapter is null");
    if (!adapter.id().equals(adapterId)) {
      throw new IllegalArgumentException(
          "Cannot apply the overrides of adapter " + adapter.id() + " to adapter " + adapterId);
    }
    return new AdapterSpec(
        adapterId,
        adapter.loraRank().orElse(settings.loraRank()),
        adapter.loraAlpha().orElse(settings.loraAlpha()),
        settings.loraDropout(),
        adapter.targetModules().orElse(settings.targetModules()),
        adapter.learningRate().orElse(settings.learningRate()),
        adapter.epochs().orElse(settings.epochs()));
  }

  /**
   * The overrides of every adapter the config names ({@code adapters.<id>.*}) over {@code
   * settings}, by adapter id: what {@code TrainJob.Request} takes. Adapters the config does not
   * name train with {@code settings} as they are.
   */
  public static Map<String, AdapterSpec> overrides(
      Map<String, AdapterConfig> adapters, TrainSettings settings) {
    Map<String, AdapterSpec> specs = new LinkedHashMap<>();
    for (AdapterConfig adapter : adapters.values()) {
      specs.put(adapter.id(), of(adapter.id(), settings, adapter));
    }
    return Map.copyOf(specs);
  }

  /** The LoRA shape as the config record. */
  public LoraConfig lora() {
    return new LoraConfig(loraRank, loraAlpha, loraDropout, targetModules);
  }
}
