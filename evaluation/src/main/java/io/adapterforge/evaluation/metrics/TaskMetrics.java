package io.adapterforge.evaluation.metrics;

import java.io.Serializable;

/**
 * The task metrics of one adapter on its test prompts, all in [0, 1] or {@link Double#NaN} when
 * undefined (an empty denominator). JSON writers report NaN as {@code null}.
 *
 * @param examples prediction/reference pairs scored
 * @param exactMatch share of pairs whose normalized texts are equal; NaN when {@code examples} is 0
 * @param tokenF1 mean SQuAD token F1; NaN when {@code examples} is 0
 * @param toolCallPrecision of the replies that call a tool, the share whose reference calls one;
 *     NaN when no reply calls a tool
 * @param toolCallRecall of the references that call a tool, the share whose reply calls one; NaN
 *     when no reference calls a tool
 * @param toolCallF1 {@code 2TP / (2TP + FP + FN)} — equal to the harmonic mean of precision and
 *     recall when both are defined, 0 when only one is defined (calls were expected or made but
 *     never matched), NaN when neither replies nor references call a tool
 * @param toolNameAccuracy of the references that call a tool, the share whose reply calls the same
 *     tool (a reply that calls no tool counts as wrong); NaN when no reference calls a tool
 */
public record TaskMetrics(
    long examples,
    double exactMatch,
    double tokenF1,
    double toolCallPrecision,
    double toolCallRecall,
    double toolCallF1,
    double toolNameAccuracy)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Metrics of no examples: every ratio undefined. */
  public static final TaskMetrics NONE = TaskMetricsAccumulator.EMPTY.metrics();
}
