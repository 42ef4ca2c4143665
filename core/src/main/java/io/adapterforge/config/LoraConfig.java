package io.adapterforge.config;

import static io.adapterforge.config.InvalidConfigException.check;
import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code train.lora.*}: the shape of every LoRA adapter.
 *
 * @param rank the LoRA rank r ({@code train.lora.rank}, default 8)
 * @param alpha the scaling numerator; updates are scaled by alpha / r ({@code train.lora.alpha},
 *     default 16)
 * @param dropout dropout on the LoRA input, in [0, 1) ({@code train.lora.dropout}, default 0.05)
 * @param targetModules projections that get LoRA weights ({@code train.lora.target-modules})
 */
public record LoraConfig(int rank, double alpha, double dropout, List<String> targetModules) {
  /** The projections of the supported decoder-only architectures that LoRA can target. */
  public static final Set<String> KNOWN_TARGET_MODULES =
      Set.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  public LoraConfig {
    requireNonNull(targetModules, "targetModules is null");
    check(rank > 0, "train.lora.rank", rank, "must be positive");
    check(alpha > 0, "train.lora.alpha", alpha, "must be positive");
    check(dropout >= 0 && dropout < 1, "train.lora.dropout", dropout, "must be in [0, 1)");
    check(
        !targetModules.isEmpty(), "train.lora.target-modules", targetModules, "must not be empty");
    for (String module : targetModules) {
      check(
          KNOWN_TARGET_MODULES.contains(module),
          "train.lora.target-modules",
          targetModules,
          "'" + module + "' is not one of " + new java.util.TreeSet<>(KNOWN_TARGET_MODULES));
    }
    check(
        new HashSet<>(targetModules).size() == targetModules.size(),
        "train.lora.target-modules",
        targetModules,
        "must not repeat a module");
    targetModules = List.copyOf(targetModules);
  }

  static LoraConfig from(ConfigReader reader) {
    return new LoraConfig(
        reader.integer("train.lora.rank"),
        reader.number("train.lora.alpha"),
        reader.number("train.lora.dropout"),
        reader.stringList("train.lora.target-modules"));
  }
}
