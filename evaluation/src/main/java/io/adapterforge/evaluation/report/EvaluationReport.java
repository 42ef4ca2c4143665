package io.adapterforge.evaluation.report;

import static java.util.Objects.requireNonNull;

import io.adapterforge.evaluation.router.RouterEvaluation;
import java.util.List;

/**
 * Everything the morning report shows for one evaluation run. Immutable apart from what the caller
 * does with the lists it passed (they are copied).
 *
 * @param runId the run, e.g. {@code 2025-06-01T02-00-00Z}
 * @param baseModel the base model's URI or name
 * @param generatedAt when the report was built, ISO-8601 text
 * @param minGain the {@code publish.min-gain} in force, drawn on the gain chart (NaN: not drawn)
 * @param adapters one row per adapter
 * @param lossCurves training histories, any order
 * @param matrix the cross-adapter matrix ({@link CrossAdapterMatrix#empty()} when not computed)
 * @param router the router's evaluation, or null when no router was trained
 * @param toolCalls tool-call F1 of every adapter on every tenant's test prompts ({@link
 *     ToolCallMatrix#empty()} when not computed)
 */
public record EvaluationReport(
    String runId,
    String baseModel,
    String generatedAt,
    double minGain,
    List<AdapterReportRow> adapters,
    List<LossCurve> lossCurves,
    CrossAdapterMatrix matrix,
    RouterEvaluation router,
    ToolCallMatrix toolCalls) {
  public EvaluationReport {
    requireNonNull(runId, "runId is null");
    requireNonNull(baseModel, "baseModel is null");
    requireNonNull(generatedAt, "generatedAt is null");
    adapters = List.copyOf(requireNonNull(adapters, "adapters is null"));
    lossCurves = List.copyOf(requireNonNull(lossCurves, "lossCurves is null"));
    requireNonNull(matrix, "matrix is null");
    requireNonNull(toolCalls, "toolCalls is null");
  }
}
