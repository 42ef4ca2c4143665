package io.adapterforge.trainer.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * The cost of training one adapter, in trained tokens: the loss tokens of its train split times the
 * epochs it runs. Tokens, not rows, because a step's time grows with the tokens it processes.
 *
 * @param adapterId the adapter id
 * @param lossTokens trained (loss) tokens in the adapter's train split, at least 0
 * @param epochs passes over the train split, at least 1
 */
public record AdapterWork(String adapterId, long lossTokens, int epochs) implements Serializable {
  public AdapterWork {
    requireNonNull(adapterId, "adapterId is null");
    if (lossTokens < 0) {
      throw new IllegalArgumentException(
          "Cannot use " + lossTokens + " loss tokens for adapter " + adapterId + ": negative");
    }
    if (epochs < 1) {
      throw new IllegalArgumentException(
          "Cannot use " + epochs + " epochs for adapter " + adapterId + ": must be positive");
    }
  }

  /** {@code lossTokens × epochs}: the unit the plan balances. */
  public long work() {
    return Math.multiplyExact(lossTokens, (long) epochs);
  }
}
