package io.adapterforge.evaluation.gate;

import static java.util.Objects.requireNonNull;

import io.adapterforge.evaluation.metrics.TaskMetrics;
import java.util.OptionalDouble;

/**
 * What the gate needs to judge one adapter: mean test NLLs (nats per loss token) measured on the
 * same test tokens, and its task metrics.
 *
 * @param adapterId the adapter judged
 * @param baseNll the bare base model's mean NLL on the adapter's test split
 * @param adapterNll the adapter's mean NLL on the same tokens
 * @param productionNll the current {@code production} version's mean NLL on the same tokens; empty
 *     when the adapter has no production version yet
 * @param taskMetrics the adapter's generation metrics ({@link TaskMetrics#NONE} when generation was
 *     not run)
 */
public record GateInput(
    String adapterId,
    double baseNll,
    double adapterNll,
    OptionalDouble productionNll,
    TaskMetrics taskMetrics) {
  public GateInput {
    requireNonNull(adapterId, "adapterId is null");
    requireNonNull(productionNll, "productionNll is null");
    requireNonNull(taskMetrics, "taskMetrics is null");
  }
}
