package io.adapterforge.evaluation.router;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * The router on labelled test queries.
 *
 * @param queries test queries scored
 * @param accuracy share routed to their own adapter (a query sent to {@code base} counts as wrong);
 *     NaN when {@code queries} is 0
 * @param minConfidence the confidence threshold in force
 * @param confusion the non-empty cells, sorted by actual then predicted adapter
 */
public record RouterEvaluation(
    long queries, double accuracy, double minConfidence, List<ConfusionCell> confusion)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public RouterEvaluation {
    confusion = List.copyOf(requireNonNull(confusion, "confusion is null"));
  }
}
