package io.adapterforge.evaluation.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskMetricsAccumulatorTest {
  private static final ToolCallDetector DETECTOR = ToolCallDetector.defaults();

  private static String call(String name) {
    return "<tool_call name=\"" + name + "\" arguments=\"{}\"/>";
  }

  private static TaskMetricsAccumulator fold(List<String[]> pairs) {
    TaskMetricsAccumulator acc = TaskMetricsAccumulator.EMPTY;
    for (String[] pair : pairs) {
      acc = acc.add(pair[0], pair[1], DETECTOR);
    }
    return acc;
  }

  // prediction, reference
  private static final List<String[]> PAIRS =
      List.of(
          new String[] {call("mask"), call("mask")}, // TP, name right
          new String[] {call("lookup"), call("mask")}, // TP, name wrong
          new String[] {"Ваш баланс 100 рублей.", call("balance")}, // FN
          new String[] {call("mask"), "Hello there."}, // FP
          new String[] {"Hello there!", "hello there"}, // TN, exact match
          new String[] {"card blocked", "the card is blocked"}); // TN, partial F1

  @Test
  void computesToolCallPrecisionRecallF1AndNameAccuracy() {
    TaskMetrics metrics = fold(PAIRS).metrics();
    // TP=2, FP=1, FN=1 → P=2/3, R=2/3, F1=2/3; names right 1 of 3 reference calls.
    assertThat(metrics.examples()).isEqualTo(6);
    assertThat(metrics.toolCallPrecision()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(metrics.toolCallRecall()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(metrics.toolCallF1()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(metrics.toolNameAccuracy()).isCloseTo(1.0 / 3, within(1e-12));
  }

  @Test
  void computesExactMatchAndMeanTokenF1() {
    TaskMetrics metrics = fold(PAIRS).metrics();
    // Exact: pairs 1 and 5 → 2/6. The mean token F1 is the mean of the per-pair scores.
    double expectedF1 =
        PAIRS.stream().mapToDouble(p -> AnswerScores.tokenF1(p[0], p[1])).sum() / PAIRS.size();
    assertThat(metrics.exactMatch()).isCloseTo(2.0 / 6, within(1e-12));
    assertThat(metrics.tokenF1()).isCloseTo(expectedF1, within(1e-12));
    // card blocked vs card is blocked: P=1, R=2/3 → 0.8; proves partial credit enters the mean.
    assertThat(AnswerScores.tokenF1("card blocked", "the card is blocked"))
        .isCloseTo(0.8, within(1e-12));
  }

  @Test
  void mergeEqualsFoldingEverythingInOnePass() {
    TaskMetricsAccumulator whole = fold(PAIRS);
    TaskMetricsAccumulator left = fold(PAIRS.subList(0, 2));
    TaskMetricsAccumulator right = fold(PAIRS.subList(2, PAIRS.size()));
    assertThat(left.merge(right)).isEqualTo(whole);
    assertThat(right.merge(left).metrics()).isEqualTo(whole.metrics());
    assertThat(whole.merge(TaskMetricsAccumulator.EMPTY)).isEqualTo(whole);
  }

  @Test
  void ratiosWithoutDenominatorAreNaN() {
    TaskMetrics none = TaskMetricsAccumulator.EMPTY.metrics();
    assertThat(none.examples()).isZero();
    assertThat(none.exactMatch()).isNaN();
    assertThat(none.tokenF1()).isNaN();
    assertThat(none.toolCallPrecision()).isNaN();
    assertThat(none.toolCallRecall()).isNaN();
    assertThat(none.toolCallF1()).isNaN();
    assertThat(none.toolNameAccuracy()).isNaN();
  }

  @Test
  void noToolCallsAnywhereLeavesToolMetricsUndefinedButTextMetricsDefined() {
    TaskMetrics metrics = fold(List.<String[]>of(new String[] {"yes", "yes"})).metrics();
    assertThat(metrics.exactMatch()).isEqualTo(1.0);
    assertThat(metrics.toolCallPrecision()).isNaN();
    assertThat(metrics.toolCallRecall()).isNaN();
    assertThat(metrics.toolCallF1()).isNaN();
    assertThat(metrics.toolNameAccuracy()).isNaN();
  }

  @Test
  void missedCallsGiveZeroF1AndUndefinedPrecision() {
    TaskMetrics metrics = fold(List.<String[]>of(new String[] {"no call", call("mask")})).metrics();
    assertThat(metrics.toolCallPrecision()).isNaN();
    assertThat(metrics.toolCallRecall()).isZero();
    assertThat(metrics.toolCallF1()).isZero();
    assertThat(metrics.toolNameAccuracy()).isZero();
  }

  @Test
  void spuriousCallsGiveZeroF1AndUndefinedRecall() {
    TaskMetrics metrics = fold(List.<String[]>of(new String[] {call("mask"), "no call"})).metrics();
    assertThat(metrics.toolCallPrecision()).isZero();
    assertThat(metrics.toolCallRecall()).isNaN();
    assertThat(metrics.toolCallF1()).isZero();
    assertThat(metrics.toolNameAccuracy()).isNaN();
  }

  @Test
  void rejectsInconsistentCounts() {
    assertThatThrownBy(() -> new TaskMetricsAccumulator(1, 2, 0, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot build task metric counts from inconsistent values:")
        .hasMessageContaining("examples=1, exactMatches=2");
    assertThatThrownBy(() -> new TaskMetricsAccumulator(2, 0, 0, 1, 0, 0, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("toolNameCorrect=2");
  }
}
