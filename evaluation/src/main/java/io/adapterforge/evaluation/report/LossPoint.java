package io.adapterforge.evaluation.report;

/**
 * One point of a loss curve.
 *
 * @param step the optimizer step
 * @param loss mean loss at that step
 */
public record LossPoint(long step, double loss) {}
