package io.adapterforge.evaluation.report;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The training history of one adapter, as read from its {@code metrics.json}.
 *
 * @param adapterId the adapter
 * @param train training loss by step
 * @param validation validation loss by step (usually sparser)
 */
public record LossCurve(String adapterId, List<LossPoint> train, List<LossPoint> validation) {
  public LossCurve {
    requireNonNull(adapterId, "adapterId is null");
    train = List.copyOf(requireNonNull(train, "train is null"));
    validation = List.copyOf(requireNonNull(validation, "validation is null"));
  }
}
