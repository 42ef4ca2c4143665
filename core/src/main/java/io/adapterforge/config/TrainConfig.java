package io.adapterforge.config;

import static java.util.Objects.requireNonNull;

/**
 * {@code train.*}: how adapters are trained.
 *
 * @param lora the adapter shape ({@code train.lora.*})
 */
public record TrainConfig(LoraConfig lora) {
  public TrainConfig {
    requireNonNull(lora, "lora is null");
  }

  static TrainConfig from(ConfigReader reader) {
    return new TrainConfig(LoraConfig.from(reader));
  }
}
