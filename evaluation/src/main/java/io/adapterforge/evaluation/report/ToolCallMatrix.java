package io.adapterforge.evaluation.report;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The tool-call behaviour of every adapter on every tenant's test prompts: {@code f1.get(i).get(j)}
 * is the tool-call F1 of adapter {@code adapters.get(i)}'s replies to the test prompts of {@code
 * testSplits.get(j)}, against that split's reference replies. An adapter that learned its tenant's
 * tools scores high on its own split (the diagonal) and low where those tools do not belong.
 *
 * @param adapters row labels: the replying adapters
 * @param testSplits column labels: whose test prompts were answered
 * @param f1 the matrix, one list per adapter, one value per split: in [0, 1], or NaN when undefined
 *     because neither the replies nor the references call a tool
 */
public record ToolCallMatrix(
    List<String> adapters, List<String> testSplits, List<List<Double>> f1) {
  public ToolCallMatrix {
    adapters = List.copyOf(requireNonNull(adapters, "adapters is null"));
    testSplits = List.copyOf(requireNonNull(testSplits, "testSplits is null"));
    f1 =
        MatrixRows.copyOf(
            "tool-call matrix", "F1", adapters, testSplits, requireNonNull(f1, "f1 is null"));
    for (int i = 0; i < f1.size(); i++) {
      for (int j = 0; j < testSplits.size(); j++) {
        Double value = f1.get(i).get(j);
        if (value == null || !(Double.isNaN(value) || (value >= 0 && value <= 1))) {
          throw new IllegalArgumentException(
              "Cannot build the tool-call matrix: F1 "
                  + value
                  + " of adapter "
                  + adapters.get(i)
                  + " on test split "
                  + testSplits.get(j)
                  + " must be in [0, 1], or NaN when undefined");
        }
      }
    }
  }

  /** A matrix with no adapters, for runs that did not compute it. */
  public static ToolCallMatrix empty() {
    return new ToolCallMatrix(List.of(), List.of(), List.of());
  }
}
