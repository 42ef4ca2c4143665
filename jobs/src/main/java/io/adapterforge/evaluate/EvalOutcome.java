package io.adapterforge.evaluate;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * What one {@link EvalWork} produced: per split, the summed loss over the scored rows; per
 * generated prompt, the reply's token ids. Small by construction (no data rows).
 *
 * @param scorer the work's scorer
 * @param scores one per scored split
 * @param generations one per generated prompt
 * @param error why the work failed (its scores and generations are then empty); null if it did not
 * @param seconds wall time of the work
 * @param executor the executor id that ran it
 */
public record EvalOutcome(
    String scorer,
    List<SplitScore> scores,
    List<Generated> generations,
    String error,
    double seconds,
    String executor)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public EvalOutcome {
    requireNonNull(scorer, "scorer is null");
    scores = List.copyOf(requireNonNull(scores, "scores is null"));
    generations = List.copyOf(requireNonNull(generations, "generations is null"));
  }

  /**
   * The loss of one scorer on one test split.
   *
   * @param split the adapter id whose test split was scored
   * @param rows rows read (at most max-rows-per-split)
   * @param scoredRows rows that had a loss (the others could not be scored on this model)
   * @param nllSum summed negative log-likelihood over every trained token of the scored rows
   * @param tokens trained tokens of the scored rows
   * @param firstError the first row error, null when every row was scored
   */
  public record SplitScore(
      String split, int rows, int scoredRows, double nllSum, long tokens, String firstError)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Mean NLL per trained token; NaN when no token was scored. */
    public double meanNll() {
      return tokens == 0 ? Double.NaN : nllSum / tokens;
    }
  }

  /**
   * One generated reply.
   *
   * @param split the adapter id whose test prompt it answers
   * @param exampleId the test row's example id
   * @param reference the reference reply: the conversation's last assistant message
   * @param tokenIds the generated token ids, without the stop token
   * @param stopped whether generation ended at a stop token (else at max-new-tokens)
   */
  public record Generated(
      String split, String exampleId, String reference, int[] tokenIds, boolean stopped)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    public Generated {
      tokenIds = tokenIds.clone();
    }
  }
}
