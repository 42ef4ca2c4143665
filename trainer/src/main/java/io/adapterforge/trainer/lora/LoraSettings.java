package io.adapterforge.trainer.lora;

import static java.util.Objects.requireNonNull;

import io.adapterforge.config.LoraConfig;
import java.util.List;

/**
 * The shape of a LoRA adapter: {@link LoraConfig} ({@code train.lora.*}) plus the choice of scale.
 *
 * @param rank the rank r of each {@code A [r, in]} and {@code B [out, r]} pair
 * @param alpha the scaling numerator
 * @param dropout dropout probability on each adapted projection's input while training, in [0, 1)
 * @param targetModules the projection names that get an adapter ({@code q_proj}, …, {@code
 *     down_proj}), in every layer; order is kept (it is written to {@code adapter_config.json})
 * @param useRslora rank-stabilized LoRA: scale {@code alpha / √r} instead of {@code alpha / r}
 */
public record LoraSettings(
    int rank, double alpha, double dropout, List<String> targetModules, boolean useRslora) {
  public LoraSettings {
    requireNonNull(targetModules, "targetModules is null");
    // One set of rules: the config record's (its messages name the train.lora.* keys).
    targetModules = new LoraConfig(rank, alpha, dropout, targetModules).targetModules();
  }

  /** The settings of a {@code train.lora} config, with plain LoRA scaling. */
  public static LoraSettings of(LoraConfig config) {
    return of(config, false);
  }

  /** The settings of a {@code train.lora} config, with rsLoRA scaling when {@code useRslora}. */
  public static LoraSettings of(LoraConfig config, boolean useRslora) {
    requireNonNull(config, "config is null");
    return new LoraSettings(
        config.rank(), config.alpha(), config.dropout(), config.targetModules(), useRslora);
  }

  /** The factor on {@code B·A·x}: {@code alpha / r}, or {@code alpha / √r} with rsLoRA (PEFT's). */
  public double scale() {
    return useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
  }

  /** These settings as a {@link LoraConfig} (without the scaling choice). */
  public LoraConfig toLoraConfig() {
    return new LoraConfig(rank, alpha, dropout, targetModules);
  }
}
