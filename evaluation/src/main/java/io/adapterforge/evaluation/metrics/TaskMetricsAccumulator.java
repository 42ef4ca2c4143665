package io.adapterforge.evaluation.metrics;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Optional;

/**
 * Counts behind the task metrics of one adapter: immutable, serializable and mergeable, so a Spark
 * job can fold it per partition ({@link #add}) and combine partitions ({@link #merge}) in any order
 * — merge is associative and commutative, {@link #EMPTY} is its identity.
 *
 * <p>Tool-call counts treat "the reply calls a tool" as a binary prediction against "the reference
 * calls a tool": {@code toolCallTruePositives} (both call), {@code toolCallFalsePositives} (only
 * the reply calls), {@code toolCallFalseNegatives} (only the reference calls). {@code
 * toolNameCorrect} counts references that call a tool whose reply calls the same tool (names
 * compared exactly, after trimming).
 *
 * @param examples prediction/reference pairs seen
 * @param exactMatches pairs whose normalized texts are equal
 * @param tokenF1Sum sum of per-pair token F1
 * @param toolCallTruePositives reply and reference both call a tool
 * @param toolCallFalsePositives the reply calls a tool, the reference does not
 * @param toolCallFalseNegatives the reference calls a tool, the reply does not
 * @param toolNameCorrect the reference calls a tool and the reply calls the same one
 */
public record TaskMetricsAccumulator(
    long examples,
    long exactMatches,
    double tokenF1Sum,
    long toolCallTruePositives,
    long toolCallFalsePositives,
    long toolCallFalseNegatives,
    long toolNameCorrect)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** No examples; the identity of {@link #merge}. */
  public static final TaskMetricsAccumulator EMPTY =
      new TaskMetricsAccumulator(0, 0, 0, 0, 0, 0, 0);

  public TaskMetricsAccumulator {
    if (examples < 0
        || exactMatches < 0
        || exactMatches > examples
        || !(tokenF1Sum >= 0 && tokenF1Sum <= examples)
        || toolCallTruePositives < 0
        || toolCallFalsePositives < 0
        || toolCallFalseNegatives < 0
        || toolCallTruePositives + toolCallFalsePositives + toolCallFalseNegatives > examples
        || toolNameCorrect < 0
        || toolNameCorrect > toolCallTruePositives) {
      throw new IllegalArgumentException(
          "Cannot build task metric counts from inconsistent values: "
              + countsText(
                  examples,
                  exactMatches,
                  tokenF1Sum,
                  toolCallTruePositives,
                  toolCallFalsePositives,
                  toolCallFalseNegatives,
                  toolNameCorrect));
    }
  }

  /** Returns these counts plus one prediction/reference pair. */
  public TaskMetricsAccumulator add(
      String prediction, String reference, ToolCallDetector detector) {
    requireNonNull(prediction, "prediction is null");
    requireNonNull(reference, "reference is null");
    requireNonNull(detector, "detector is null");
    Optional<String> predictedTool = detector.calledTool(prediction);
    Optional<String> expectedTool = detector.calledTool(reference);
    boolean bothCall = predictedTool.isPresent() && expectedTool.isPresent();
    return new TaskMetricsAccumulator(
        examples + 1,
        exactMatches + (AnswerScores.exactMatch(prediction, reference) ? 1 : 0),
        tokenF1Sum + AnswerScores.tokenF1(prediction, reference),
        toolCallTruePositives + (bothCall ? 1 : 0),
        toolCallFalsePositives + (predictedTool.isPresent() && expectedTool.isEmpty() ? 1 : 0),
        toolCallFalseNegatives + (predictedTool.isEmpty() && expectedTool.isPresent() ? 1 : 0),
        toolNameCorrect + (bothCall && predictedTool.get().equals(expectedTool.get()) ? 1 : 0));
  }

  /** Returns the sum of both counts. */
  public TaskMetricsAccumulator merge(TaskMetricsAccumulator other) {
    requireNonNull(other, "other is null");
    return new TaskMetricsAccumulator(
        examples + other.examples,
        exactMatches + other.exactMatches,
        tokenF1Sum + other.tokenF1Sum,
        toolCallTruePositives + other.toolCallTruePositives,
        toolCallFalsePositives + other.toolCallFalsePositives,
        toolCallFalseNegatives + other.toolCallFalseNegatives,
        toolNameCorrect + other.toolNameCorrect);
  }

  /** The ratios these counts give; see {@link TaskMetrics} for when a ratio is undefined. */
  public TaskMetrics metrics() {
    long predictedCalls = toolCallTruePositives + toolCallFalsePositives;
    long referenceCalls = toolCallTruePositives + toolCallFalseNegatives;
    long anyCalls = toolCallTruePositives + toolCallFalsePositives + toolCallFalseNegatives;
    return new TaskMetrics(
        examples,
        ratio(exactMatches, examples),
        examples == 0 ? Double.NaN : tokenF1Sum / examples,
        ratio(toolCallTruePositives, predictedCalls),
        ratio(toolCallTruePositives, referenceCalls),
        ratio(2 * toolCallTruePositives, toolCallTruePositives + anyCalls),
        ratio(toolNameCorrect, referenceCalls));
  }

  private static double ratio(long numerator, long denominator) {
    return denominator == 0 ? Double.NaN : (double) numerator / denominator;
  }

  private static String countsText(
      long examples,
      long exactMatches,
      double tokenF1Sum,
      long truePositives,
      long falsePositives,
      long falseNegatives,
      long nameCorrect) {
    return String.format(
        "examples=%d, exactMatches=%d, tokenF1Sum=%s, toolCallTruePositives=%d,"
            + " toolCallFalsePositives=%d, toolCallFalseNegatives=%d, toolNameCorrect=%d",
        examples,
        exactMatches,
        tokenF1Sum,
        truePositives,
        falsePositives,
        falseNegatives,
        nameCorrect);
  }
}
