package io.adapterforge.evaluation.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.adapterforge.evaluation.gate.GateDecision;
import io.adapterforge.evaluation.metrics.TaskMetrics;

/**
 * One adapter's line of the report. Losses are mean NLL in nats per loss token; NaN where unknown.
 *
 * @param adapterId the adapter
 * @param rows training rows of the adapter
 * @param tokens training tokens of the adapter
 * @param trainLoss last training loss
 * @param validationLoss last validation loss
 * @param baseNll the bare base model's mean NLL on the adapter's test split
 * @param adapterNll the adapter's mean NLL on the same tokens
 * @param taskMetrics generation metrics on test prompts
 * @param gate the publish gate's decision
 */
public record AdapterReportRow(
    String adapterId,
    long rows,
    long tokens,
    double trainLoss,
    double validationLoss,
    double baseNll,
    double adapterNll,
    TaskMetrics taskMetrics,
    GateDecision gate) {
  public AdapterReportRow {
    requireNonNull(adapterId, "adapterId is null");
    requireNonNull(taskMetrics, "taskMetrics is null");
    requireNonNull(gate, "gate is null");
    if (!gate.adapterId().equals(adapterId)) {
      throw new IllegalArgumentException(
          "Cannot build the report row of adapter "
              + adapterId
              + " with the gate decision of "
              + gate.adapterId());
    }
  }

  /** {@code exp(baseNll)}. */
  @JsonProperty
  public double basePerplexity() {
    return Math.exp(baseNll);
  }

  /** {@code exp(adapterNll)}. */
  @JsonProperty
  public double adapterPerplexity() {
    return Math.exp(adapterNll);
  }

  /**
   * {@code (baseNll - adapterNll) / baseNll}: the relative NLL gain the gate checks against {@code
   * publish.min-gain}; positive when the adapter is better; NaN when the base NLL is not positive.
   */
  @JsonProperty
  public double relativeGain() {
    return baseNll > 0 ? (baseNll - adapterNll) / baseNll : Double.NaN;
  }
}
