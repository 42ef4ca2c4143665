package io.adapterforge.config;

import static io.adapterforge.config.InvalidConfigException.check;
import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code train.lora.*}: the shape of every LoRA adapter. Rank, alpha and target modules may be
 * overridden per adapter ({@link AdapterConfig}); the same rules apply there.
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
    checkRank("train.lora.rank", rank);
    checkAlpha("train.lora.alpha", alpha);
    check(dropout >= 0 && dropout < 1, "train.lora.dropout", dropout, "must be in [0, 1)");
    targetModules = checkTargetModules("train.lora.target-modules", targetModules);
  }

  static void checkRank(String key, int rank) {
    check(rank > 0, key, rank, "must be positive");
  }

  static void checkAlpha(String key, double alpha) {
    check(alpha > 0 && Double.isFinite(alpha), key, alpha, "must be positive");
  }

  /** Checks a target-module list under {@code key}; returns an immutable copy. */
  static List<String> checkTargetModules(String key, List<String> targetModules) {
    requireNonNull(targetModules, "targetModules is null");
    check(!targetModules.isEmpty(), key, targetModules, "must not be empty");
    for (String module : targetModules) {
      check(
          KNOWN_TARGET_MODULES.contains(module),
          key,
          targetModules,
          "'" + module + "' is not one of " + new TreeSet<>(KNOWN_TARGET_MODULES));
    }
    check(
        new HashSet<>(targetModules).size() == targetModules.size(),
        key,
        targetModules,
        "must not repeat a module");
    return List.copyOf(targetModules);
  }

  static LoraConfig from(ConfigReader reader) {
    return new LoraConfig(
        reader.integer("train.lora.rank"),
        reader.number("train.lora.alpha"),
        reader.number("train.lora.dropout"),
        reader.stringList("train.lora.target-modules"));
  }
}
