package io.adapterforge.evaluation.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every adapter scored on every adapter's test split: {@code nll.get(i).get(j)} is the mean NLL of
 * adapter {@code adapters.get(i)} on the test split of {@code testSplits.get(j)} (null when not
 * measured). {@code mixtureNll.get(j)} is the naive "average of all adapters" mixture on split j.
 *
 * @param adapters row labels: the scoring adapters
 * @param testSplits column labels: whose test split was scored
 * @param nll the matrix, one list per adapter, one value per split (null = not measured)
 * @param mixtureNll one value per split for the averaged adapter (null = not measured)
 */
public record CrossAdapterMatrix(
    List<String> adapters,
    List<String> testSplits,
    List<List<Double>> nll,
    List<Double> mixtureNll) {
  public CrossAdapterMatrix {
    adapters = List.copyOf(requireNonNull(adapters, "adapters is null"));
    testSplits = List.copyOf(requireNonNull(testSplits, "testSplits is null"));
    nll =
        MatrixRows.copyOf(
            "cross-adapter matrix",
            "NLL",
            adapters,
            testSplits,
            requireNonNull(nll, "nll is null"));
    requireNonNull(mixtureNll, "mixtureNll is null");
    if (mixtureNll.size() != testSplits.size()) {
      throw new IllegalArgumentException(
          "Cannot build the cross-adapter matrix: mixture row has "
              + mixtureNll.size()
              + " values for "
              + testSplits.size()
              + " test splits");
    }
    mixtureNll = Collections.unmodifiableList(new ArrayList<>(mixtureNll));
  }

  /** A matrix with no adapters, for runs that skipped it. */
  public static CrossAdapterMatrix empty() {
    return new CrossAdapterMatrix(List.of(), List.of(), List.of(), List.of());
  }
}
