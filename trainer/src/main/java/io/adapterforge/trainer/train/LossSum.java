package io.adapterforge.trainer.train;

/**
 * A sum of token negative log-likelihoods and how many tokens it covers.
 *
 * @param sum the summed cross-entropy, in nats
 * @param count the number of scored tokens
 */
public record LossSum(double sum, long count) {
  public LossSum {
    if (count < 0) {
      throw new IllegalArgumentException("Cannot count " + count + " tokens");
    }
  }

  /** The mean over the tokens; NaN when there are none. */
  public double mean() {
    return count == 0 ? Double.NaN : sum / count;
  }

  /** The two sums added. */
  public LossSum plus(LossSum other) {
    return new LossSum(sum + other.sum, count + other.count);
  }
}
