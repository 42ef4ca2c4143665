package io.adapterforge.evaluation.router;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * One non-empty cell of the router's confusion matrix.
 *
 * @param actual the adapter the query's row belongs to
 * @param predicted the adapter the router chose, or {@code base}
 * @param count test queries with this pair, positive
 */
public record ConfusionCell(String actual, String predicted, long count) implements Serializable {
  private static final long serialVersionUID = 1L;

  public ConfusionCell {
    requireNonNull(actual, "actual is null");
    requireNonNull(predicted, "predicted is null");
    if (count <= 0) {
      throw new IllegalArgumentException(
          "Cannot record confusion cell ("
              + actual
              + ", "
              + predicted
              + ") with count "
              + count
              + ": must be positive");
    }
  }
}
