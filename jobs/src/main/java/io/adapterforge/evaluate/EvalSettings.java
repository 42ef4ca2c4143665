package io.adapterforge.evaluate;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * Run-wide settings of the evaluation tasks ({@code evaluate.*} and where the inputs are).
 *
 * @param prepared the prepared dataset root
 * @param baseModel the base model folder
 * @param baseModelFingerprint the executors' cache key of the base model
 * @param maxRowsPerSplit test rows scored per split (the first by example id)
 * @param batchSize rows per forward pass when scoring
 * @param maxGenerations test prompts per adapter that get a generated reply
 * @param maxNewTokens the longest generated reply, in tokens
 * @param stopTokenIds generation ends at any of these (the tokenizer's special tokens)
 */
public record EvalSettings(
    String prepared,
    String baseModel,
    String baseModelFingerprint,
    int maxRowsPerSplit,
    int batchSize,
    int maxGenerations,
    int maxNewTokens,
    List<Integer> stopTokenIds)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public EvalSettings {
    requireNonNull(prepared, "prepared is null");
    requireNonNull(baseModel, "baseModel is null");
    requireNonNull(baseModelFingerprint, "baseModelFingerprint is null");
    stopTokenIds = List.copyOf(requireNonNull(stopTokenIds, "stopTokenIds is null"));
    if (maxRowsPerSplit <= 0 || batchSize <= 0 || maxGenerations < 0 || maxNewTokens <= 0) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot evaluate with max-rows-per-split %d, batch-size %d, max-generations %d,"
                  + " max-new-tokens %d: rows, batch and tokens must be positive, generations not"
                  + " negative",
              maxRowsPerSplit, batchSize, maxGenerations, maxNewTokens));
    }
  }
}
