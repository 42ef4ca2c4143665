package io.adapterforge.evaluation.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The shape check shared by the report's adapter × test-split matrices ({@link CrossAdapterMatrix},
 * {@link ToolCallMatrix}): one row per adapter, one value per test split.
 */
final class MatrixRows {
  private MatrixRows() {}

  /**
   * An unmodifiable copy of {@code rows} (null values kept) after checking its shape.
   *
   * @param matrix the matrix's name for messages, e.g. {@code cross-adapter matrix}
   * @param quantity what the values are, for messages, e.g. {@code NLL}
   * @throws IllegalArgumentException when there is not one row per adapter or a row does not have
   *     one value per test split
   */
  static List<List<Double>> copyOf(
      String matrix,
      String quantity,
      List<String> adapters,
      List<String> testSplits,
      List<List<Double>> rows) {
    if (rows.size() != adapters.size()) {
      throw new IllegalArgumentException(
          "Cannot build the "
              + matrix
              + ": "
              + rows.size()
              + " rows of "
              + quantity
              + " for "
              + adapters.size()
              + " adapters");
    }
    List<List<Double>> copy = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      List<Double> row = rows.get(i);
      if (row == null) {
        throw new IllegalArgumentException(
            "Cannot build the " + matrix + ": row of adapter " + adapters.get(i) + " is null");
      }
      if (row.size() != testSplits.size()) {
        throw new IllegalArgumentException(
            "Cannot build the "
                + matrix
                + ": row of adapter "
                + adapters.get(i)
                + " has "
                + row.size()
                + " values for "
                + testSplits.size()
                + " test splits");
      }
      copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    return Collections.unmodifiableList(copy);
  }
}
