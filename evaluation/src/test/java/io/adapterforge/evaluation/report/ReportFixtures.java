package io.adapterforge.evaluation.report;

import io.adapterforge.evaluation.gate.GateDecision;
import io.adapterforge.evaluation.metrics.TaskMetrics;
import io.adapterforge.evaluation.router.ConfusionCell;
import io.adapterforge.evaluation.router.RouterEvaluation;
import java.util.ArrayList;
import java.util.List;

/**
 * A report of five adapters — three published, two rejected — with every section filled; the
 * tool-call matrix has undefined (NaN) cells: the legal adapter's own split and support on legal.
 */
final class ReportFixtures {
  static final String HOSTILE_REASON =
      "relative NLL gain 0.0050 is below publish.min-gain 0.0200 <script>alert('x')</script> & \"q\"";

  private ReportFixtures() {}

  static EvaluationReport fiveAdapters() {
    List<String> ids = List.of("bank-ru", "bank-en", "support", "legal", "tenant-b");
    double[] baseNll = {2.40, 2.10, 2.60, 2.90, 2.50};
    double[] adapterNll = {1.70, 1.60, 2.00, 2.885, 2.70};
    boolean[] published = {true, true, true, false, false};
    String[] reasons = {
      "relative NLL gain 0.2917 over base >= publish.min-gain 0.0200",
      "relative NLL gain 0.2381 over base >= publish.min-gain 0.0200",
      "relative NLL gain 0.2308 over base >= publish.min-gain 0.0200",
      HOSTILE_REASON,
      "relative NLL gain -0.0800 over base (base 2.5000, adapter 2.7000) is below publish.min-gain"
          + " 0.0200",
    };
    List<AdapterReportRow> rows = new ArrayList<>();
    List<LossCurve> curves = new ArrayList<>();
    for (int a = 0; a < ids.size(); a++) {
      TaskMetrics tasks =
          a == 3
              ? new TaskMetrics(40, 0.2, 0.45, Double.NaN, Double.NaN, Double.NaN, Double.NaN)
              : new TaskMetrics(
                  40, 0.3 + 0.05 * a, 0.6 + 0.03 * a, 0.9 - 0.1 * a, 0.8, 0.85 - 0.1 * a, 0.75);
      rows.add(
          new AdapterReportRow(
              ids.get(a),
              1000L + 250 * a,
              180_000L + 40_000L * a,
              adapterNll[a] - 0.1,
              adapterNll[a] + 0.05,
              baseNll[a],
              adapterNll[a],
              tasks,
              new GateDecision(
                  ids.get(a),
                  published[a],
                  reasons[a],
                  published[a] ? List.of() : List.of("publish.min-gain"))));
      List<LossPoint> train = new ArrayList<>();
      List<LossPoint> validation = new ArrayList<>();
      for (int step = 0; step <= 300; step += 10) {
        double loss =
            adapterNll[a] + 1.6 * Math.exp(-step / (40.0 + 15 * a)) + 0.04 * Math.sin(step);
        train.add(new LossPoint(step, loss));
        if (step % 50 == 0) {
          validation.add(new LossPoint(step, loss + 0.08));
        }
      }
      curves.add(new LossCurve(ids.get(a), train, validation));
    }
    List<List<Double>> nll = new ArrayList<>();
    List<Double> mixture = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      List<Double> row = new ArrayList<>();
      for (int j = 0; j < ids.size(); j++) {
        row.add(i == j ? adapterNll[j] : baseNll[j] + 0.15 * ((i + j) % 3));
      }
      nll.add(row);
    }
    for (int j = 0; j < ids.size(); j++) {
      mixture.add(j == 4 ? null : (adapterNll[j] + baseNll[j]) / 2);
    }
    // Diagonal: each adapter's own tool-call F1. Off the diagonal an adapter rarely makes the right
    // call; legal's references call no tool, so a reply without calls there is undefined (NaN),
    // and legal never calls one, so it scores 0 where the references do.
    List<List<Double>> toolCallF1 = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      List<Double> row = new ArrayList<>();
      for (int j = 0; j < ids.size(); j++) {
        if (i == j) {
          row.add(rows.get(i).taskMetrics().toolCallF1());
        } else if (i == 3) {
          row.add(0.0);
        } else if (j == 3) {
          row.add(i == 2 ? Double.NaN : 0.0);
        } else {
          row.add(0.05 * ((i + j) % 4));
        }
      }
      toolCallF1.add(row);
    }
    List<ConfusionCell> confusion =
        List.of(
            new ConfusionCell("bank-en", "bank-en", 38),
            new ConfusionCell("bank-en", "bank-ru", 2),
            new ConfusionCell("bank-ru", "bank-ru", 40),
            new ConfusionCell("legal", "base", 3),
            new ConfusionCell("legal", "legal", 37),
            new ConfusionCell("support", "support", 39),
            new ConfusionCell("support", "base", 1),
            new ConfusionCell("tenant-b", "tenant-b", 36),
            new ConfusionCell("tenant-b", "bank-en", 4));
    return new EvaluationReport(
        "2025-06-01T02-00-00Z",
        "hf://google/gemma-3-1b-it",
        "2025-06-01T05:12:44Z",
        0.02,
        rows,
        curves,
        new CrossAdapterMatrix(ids, ids, nll, mixture),
        new RouterEvaluation(200, 190.0 / 200, 0.5, confusion),
        new ToolCallMatrix(ids, ids, toolCallF1));
  }
}
