package io.adapterforge.evaluate;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * What one scorer does in one evaluation task: score the capped test rows of some adapters' test
 * splits and generate replies for the first test prompts of some. Serializable: it travels to the
 * executor.
 *
 * @param scorer the scorer's name in results: {@code base}, an adapter id, {@code mixture} or
 *     {@code production:<adapter id>}
 * @param kind what is attached to the base model
 * @param adapterFolders PEFT folders (local paths or Hadoop URIs): one for {@link Kind#ADAPTER} and
 *     {@link Kind#PRODUCTION}, every adapter's for {@link Kind#MIXTURE}, none for the base
 * @param scoreSplits adapter ids whose test split is scored
 * @param generateSplits adapter ids whose test prompts get a generated reply
 * @param settings run-wide settings
 */
public record EvalWork(
    String scorer,
    Kind kind,
    List<String> adapterFolders,
    List<String> scoreSplits,
    List<String> generateSplits,
    EvalSettings settings)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What is attached to the base model. */
  public enum Kind {
    BASE,
    ADAPTER,
    MIXTURE,
    PRODUCTION
  }

  public EvalWork {
    requireNonNull(scorer, "scorer is null");
    requireNonNull(kind, "kind is null");
    adapterFolders = List.copyOf(requireNonNull(adapterFolders, "adapterFolders is null"));
    scoreSplits = List.copyOf(requireNonNull(scoreSplits, "scoreSplits is null"));
    generateSplits = List.copyOf(requireNonNull(generateSplits, "generateSplits is null"));
    requireNonNull(settings, "settings is null");
    int expected =
        switch (kind) {
          case BASE -> 0;
          case ADAPTER, PRODUCTION -> 1;
          case MIXTURE -> Math.max(1, adapterFolders.size());
        };
    if (adapterFolders.size() != expected) {
      throw new IllegalArgumentException(
          "Cannot evaluate " + kind + " with " + adapterFolders.size() + " adapter folders");
    }
  }

  /** A cost estimate for balancing tasks: rows scored plus tokens generated, roughly. */
  public long cost() {
    return (long) scoreSplits.size() * settings.maxRowsPerSplit()
        + (long) generateSplits.size() * settings.maxGenerations() * settings.maxNewTokens() / 4;
  }
}
