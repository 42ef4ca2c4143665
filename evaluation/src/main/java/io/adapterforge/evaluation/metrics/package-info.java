/**
 * Task metrics computed on generated replies, without any model: SQuAD-style exact match and token
 * F1 ({@link io.adapterforge.evaluation.metrics.AnswerNormalizer}), tool-call detection with a
 * configurable pattern set ({@link io.adapterforge.evaluation.metrics.ToolCallDetector}), and an
 * immutable, serializable, mergeable accumulator ({@link
 * io.adapterforge.evaluation.metrics.TaskMetricsAccumulator}) that Spark tasks can fold per
 * partition and the driver can merge.
 *
 * <p>Ratios with an empty denominator are {@link Double#NaN} ("undefined"), never 0 or 1; the
 * report writes them as JSON {@code null}.
 */
package io.adapterforge.evaluation.metrics;
