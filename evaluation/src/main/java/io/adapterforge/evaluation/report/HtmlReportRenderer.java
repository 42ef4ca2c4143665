package io.adapterforge.evaluation.report;

import static io.adapterforge.evaluation.report.Html.escape;
import static java.util.Objects.requireNonNull;

import io.adapterforge.evaluation.router.ConfusionCell;
import io.adapterforge.evaluation.router.RouterEvaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders {@code report.html}: one self-contained HTML5 file with inline CSS, inline SVG charts and
 * a few lines of inline script that sort the table when a header is clicked. It references no
 * external resource of any kind (no {@code src}, no {@code url()}, no links out), so opening it
 * makes no network request. Every string that comes from data (adapter ids, gate reasons, the run
 * id, the base model) is HTML-escaped.
 *
 * <p>Sections, top to bottom: a summary line (how many adapters passed the gate, best and worst
 * relative NLL gain, router accuracy), the relative-gain chart with the {@code publish.min-gain}
 * line, the per-adapter table, loss curves per adapter, the cross-adapter NLL heatmap with the
 * "average of all adapters" row, the tool-call F1 heatmap of every adapter on every tenant's test
 * prompts, and the router's confusion matrix.
 *
 * <p>Stateless and thread-safe.
 */
public final class HtmlReportRenderer {
  private static final String PASS_COLOR = "#2f9e44";
  private static final String FAIL_COLOR = "#e03131";
  private static final int[] MATRIX_LOW = {0xf8, 0xf9, 0xfa};
  private static final int[] MATRIX_HIGH = {0x2b, 0x8a, 0x3e};
  // Pale orange, so that F1 0 (wrong or missing tool calls) differs from an undefined grey cell.
  private static final int[] TOOL_CALL_LOW = {0xff, 0xe8, 0xcc};
  private static final int[] CONFUSION_LOW = {0xf8, 0xf9, 0xfa};
  private static final int[] CONFUSION_HIGH = {0x18, 0x64, 0xab};

  private HtmlReportRenderer() {}

  /** Writes {@code report.html} and {@code report.json} into {@code folder}, creating it. */
  public static void write(EvaluationReport report, Path folder) {
    requireNonNull(report, "report is null");
    requireNonNull(folder, "folder is null");
    try {
      Files.createDirectories(folder);
      writeAtomically(folder.resolve("report.html"), render(report));
      writeAtomically(folder.resolve("report.json"), ReportJson.toJson(report));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the report of run " + report.runId() + " to " + folder + ": " + e, e);
    }
  }

  private static void writeAtomically(Path target, String content) throws IOException {
    Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(temporary, content, StandardCharsets.UTF_8);
    Files.move(
        temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The report as HTML text. */
  public static String render(EvaluationReport report) {
    requireNonNull(report, "report is null");
    StringBuilder html = new StringBuilder(64 * 1024);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>adapterforge evaluation · ")
        .append(escape(report.runId()))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<main>\n");
    html.append("<header><h1>Adapter evaluation</h1><p class=\"meta\">run <b>")
        .append(escape(report.runId()))
        .append("</b> · base model <b>")
        .append(escape(report.baseModel()))
        .append("</b> · generated ")
        .append(escape(report.generatedAt()))
        .append("</p>\n");
    summary(report, html);
    html.append("</header>\n");
    gainChart(report, html);
    table(report, html);
    lossCurves(report, html);
    matrix(report.matrix(), html);
    toolCalls(report.toolCalls(), html);
    router(report.router(), html);
    html.append("</main>\n<script>\n").append(SORT_SCRIPT).append("</script>\n</body>\n</html>\n");
    return html.toString();
  }

  private static void summary(EvaluationReport report, StringBuilder html) {
    List<AdapterReportRow> rows = report.adapters();
    long passed = rows.stream().filter(row -> row.gate().published()).count();
    List<AdapterReportRow> withGain =
        rows.stream()
            .filter(row -> Double.isFinite(row.relativeGain()))
            .sorted(Comparator.comparingDouble(AdapterReportRow::relativeGain))
            .toList();
    html.append("<p class=\"summary\"><span class=\"badge ")
        .append(passed == rows.size() ? "pass" : passed == 0 ? "fail" : "mixed")
        .append("\">")
        .append(passed)
        .append(" of ")
        .append(rows.size())
        .append(rows.size() == 1 ? " adapter" : " adapters")
        .append(" passed the gate</span>");
    if (!withGain.isEmpty()) {
      AdapterReportRow best = withGain.get(withGain.size() - 1);
      AdapterReportRow worst = withGain.get(0);
      html.append(" · best gain <b>")
          .append(escape(best.adapterId()))
          .append("</b> ")
          .append(Html.percent(best.relativeGain(), true))
          .append(" · worst gain <b>")
          .append(escape(worst.adapterId()))
          .append("</b> ")
          .append(Html.percent(worst.relativeGain(), true));
    }
    if (report.router() != null) {
      html.append(" · router accuracy <b>")
          .append(Html.percent(report.router().accuracy(), false))
          .append("</b>");
    }
    html.append("</p>\n");
    List<AdapterReportRow> rejected = rows.stream().filter(row -> !row.gate().published()).toList();
    if (!rejected.isEmpty()) {
      html.append("<ul class=\"rejected\">");
      for (AdapterReportRow row : rejected) {
        html.append("<li><b>")
            .append(escape(row.adapterId()))
            .append("</b> rejected: ")
            .append(escape(row.gate().reason()))
            .append("</li>");
      }
      html.append("</ul>\n");
    }
  }

  private static void gainChart(EvaluationReport report, StringBuilder html) {
    if (report.adapters().isEmpty()) {
      html.append(
          "<section><h2>Adapters</h2><p class=\"empty\">No adapter was evaluated.</p></section>\n");
      return;
    }
    List<SvgCharts.Bar> bars = new ArrayList<>();
    for (AdapterReportRow row : report.adapters()) {
      bars.add(
          new SvgCharts.Bar(
              row.adapterId(),
              row.relativeGain(),
              row.gate().published() ? PASS_COLOR : FAIL_COLOR,
              Html.percent(row.relativeGain(), true)
                  + (row.gate().published() ? "  published" : "  rejected")));
    }
    html.append("<section><h2>Relative NLL gain over the base model</h2>")
        .append(
            "<p class=\"note\">(base NLL − adapter NLL) / base NLL on each adapter's test split;")
        .append(" green bars passed the gate, red bars were rejected.</p>")
        .append(
            SvgCharts.barChart(
                "Relative gain by adapter",
                bars,
                report.minGain(),
                "publish.min-gain " + Html.percent(report.minGain(), false),
                "relative NLL gain",
                900))
        .append("</section>\n");
  }

  private static final String[][] COLUMNS = {
    {"Adapter", "text"}, {"Gate", "text"}, {"Rows", "num"}, {"Tokens", "num"},
    {"Train loss", "num"}, {"Val. loss", "num"}, {"PPL base", "num"}, {"PPL adapter", "num"},
    {"Gain", "num"}, {"Exact match", "num"}, {"Token F1", "num"}, {"Tool P", "num"},
    {"Tool R", "num"}, {"Tool F1", "num"}, {"Tool name acc.", "num"}, {"Gate reason", "text"},
  };

  private static void table(EvaluationReport report, StringBuilder html) {
    if (report.adapters().isEmpty()) {
      return;
    }
    html.append("<section><h2>Per-adapter metrics</h2>")
        .append(
            "<p class=\"note\">Click a column header to sort. Perplexity = exp(mean NLL) on the")
        .append(" same test tokens; — = undefined (e.g. no tool calls in the references).</p>")
        .append("<div class=\"scroll\"><table id=\"adapters\"><thead><tr>");
    for (int c = 0; c < COLUMNS.length; c++) {
      html.append("<th data-type=\"")
          .append(COLUMNS[c][1])
          .append("\" data-col=\"")
          .append(c)
          .append("\">")
          .append(COLUMNS[c][0])
          .append("</th>");
    }
    html.append("</tr></thead><tbody>\n");
    List<AdapterReportRow> rows = new ArrayList<>(report.adapters());
    rows.sort(
        Comparator.comparingDouble(
                (AdapterReportRow row) ->
                    Double.isFinite(row.relativeGain())
                        ? row.relativeGain()
                        : Double.NEGATIVE_INFINITY)
            .reversed());
    for (AdapterReportRow row : rows) {
      var tasks = row.taskMetrics();
      boolean published = row.gate().published();
      html.append("<tr>");
      textCell(html, row.adapterId(), "id");
      html.append("<td data-v=\"")
          .append(published ? "published" : "rejected")
          .append("\"><span class=\"badge ")
          .append(published ? "pass" : "fail")
          .append("\">")
          .append(published ? "published" : "rejected")
          .append("</span></td>");
      numberCell(html, row.rows(), Html.count(row.rows()));
      numberCell(html, row.tokens(), Html.count(row.tokens()));
      numberCell(html, row.trainLoss(), Html.number(row.trainLoss(), 3));
      numberCell(html, row.validationLoss(), Html.number(row.validationLoss(), 3));
      numberCell(html, row.basePerplexity(), Html.number(row.basePerplexity(), 2));
      numberCell(html, row.adapterPerplexity(), Html.number(row.adapterPerplexity(), 2));
      numberCell(html, row.relativeGain(), Html.percent(row.relativeGain(), true));
      numberCell(html, tasks.exactMatch(), Html.number(tasks.exactMatch(), 3));
      numberCell(html, tasks.tokenF1(), Html.number(tasks.tokenF1(), 3));
      numberCell(html, tasks.toolCallPrecision(), Html.number(tasks.toolCallPrecision(), 3));
      numberCell(html, tasks.toolCallRecall(), Html.number(tasks.toolCallRecall(), 3));
      numberCell(html, tasks.toolCallF1(), Html.number(tasks.toolCallF1(), 3));
      numberCell(html, tasks.toolNameAccuracy(), Html.number(tasks.toolNameAccuracy(), 3));
      textCell(html, row.gate().reason(), "reason");
      html.append("</tr>\n");
    }
    html.append("</tbody></table></div></section>\n");
  }

  private static void textCell(StringBuilder html, String text, String cssClass) {
    html.append("<td class=\"")
        .append(cssClass)
        .append("\" data-v=\"")
        .append(escape(text))
        .append("\">")
        .append(escape(text))
        .append("</td>");
  }

  private static void numberCell(StringBuilder html, double value, String shown) {
    html.append("<td class=\"num\" data-v=\"")
        .append(Html.sortKey(value))
        .append("\">")
        .append(escape(shown))
        .append("</td>");
  }

  private static void lossCurves(EvaluationReport report, StringBuilder html) {
    html.append("<section><h2>Loss curves</h2>");
    if (report.lossCurves().isEmpty()) {
      html.append("<p class=\"empty\">No loss history was found for any adapter.</p></section>\n");
      return;
    }
    html.append("<div class=\"grid\">");
    List<LossCurve> curves = new ArrayList<>(report.lossCurves());
    curves.sort(Comparator.comparing(LossCurve::adapterId));
    for (LossCurve curve : curves) {
      html.append("<figure>")
          .append(
              SvgCharts.lineChart(
                  curve.adapterId(),
                  List.of(
                      new SvgCharts.Series("train", SvgCharts.TRAIN_COLOR, curve.train(), false),
                      new SvgCharts.Series(
                          "validation", SvgCharts.VALIDATION_COLOR, curve.validation(), true)),
                  400,
                  240))
          .append("</figure>");
    }
    html.append("</div></section>\n");
  }

  private static void matrix(CrossAdapterMatrix matrix, StringBuilder html) {
    html.append("<section><h2>Cross-adapter NLL</h2>");
    if (matrix.adapters().isEmpty() || matrix.testSplits().isEmpty()) {
      html.append("<p class=\"empty\">The cross-adapter matrix was not computed.</p></section>\n");
      return;
    }
    int rows = matrix.adapters().size() + 1;
    int columns = matrix.testSplits().size();
    String[][] values = new String[rows][columns];
    Double[][] intensity = new Double[rows][columns];
    for (int j = 0; j < columns; j++) {
      // Splits differ in difficulty, so colour within each column: greener = lower NLL there.
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < rows; i++) {
        Double value = cell(matrix, i, j);
        if (value != null && Double.isFinite(value)) {
          min = Math.min(min, value);
          max = Math.max(max, value);
        }
      }
      for (int i = 0; i < rows; i++) {
        Double value = cell(matrix, i, j);
        boolean known = value != null && Double.isFinite(value);
        values[i][j] = known ? Html.number(value, 3) : "n/a";
        intensity[i][j] = !known ? null : max > min ? (max - value) / (max - min) : 0.5;
      }
    }
    List<String> rowLabels = new ArrayList<>(matrix.adapters());
    rowLabels.add("average of all adapters");
    html.append(
            "<p class=\"note\">Mean NLL of each adapter (row) on each adapter's test split (column);"
                + " greener = lower NLL within the column; the diagonal (outlined) is each adapter on"
                + " its own split; the last row is the naive mixture that averages all adapters.</p>")
        .append(
            SvgCharts.heatmap(
                "Adapter × test split → mean NLL",
                rowLabels,
                matrix.testSplits(),
                values,
                intensity,
                "scoring adapter",
                "test split of adapter",
                new SvgCharts.HeatmapStyle(MATRIX_LOW, MATRIX_HIGH, true)))
        .append("</section>\n");
  }

  private static Double cell(CrossAdapterMatrix matrix, int row, int column) {
    return row < matrix.adapters().size()
        ? matrix.nll().get(row).get(column)
        : matrix.mixtureNll().get(column);
  }

  private static void toolCalls(ToolCallMatrix matrix, StringBuilder html) {
    html.append("<section><h2>Tool-call F1 across tenants</h2>");
    if (matrix.adapters().isEmpty() || matrix.testSplits().isEmpty()) {
      html.append("<p class=\"empty\">The tool-call matrix was not computed.</p></section>\n");
      return;
    }
    int rows = matrix.adapters().size();
    int columns = matrix.testSplits().size();
    String[][] values = new String[rows][columns];
    Double[][] intensity = new Double[rows][columns];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < columns; j++) {
        double f1 = matrix.f1().get(i).get(j);
        values[i][j] = Html.number(f1, 3);
        // F1 means the same on every split, so colour by its value, not within the column.
        intensity[i][j] = Double.isNaN(f1) ? null : f1;
      }
    }
    html.append(
            "<p class=\"note\">Tool-call F1 of each adapter's replies (row) to each tenant's test"
                + " prompts (column) against the references; higher = better (greener); — ="
                + " undefined: neither the replies nor the references call a tool; the diagonal"
                + " (outlined) is each adapter on its own tenant's prompts.</p>")
        .append(
            SvgCharts.heatmap(
                "Tool-call F1: adapter (row) on each tenant's test prompts",
                matrix.adapters(),
                matrix.testSplits(),
                values,
                intensity,
                "replying adapter",
                "test prompts of tenant",
                new SvgCharts.HeatmapStyle(TOOL_CALL_LOW, MATRIX_HIGH, true)))
        .append("</section>\n");
  }

  private static void router(RouterEvaluation router, StringBuilder html) {
    html.append("<section><h2>Router</h2>");
    if (router == null) {
      html.append("<p class=\"empty\">No router was trained in this run.</p></section>\n");
      return;
    }
    html.append("<p class=\"note\">")
        .append(Html.count(router.queries()))
        .append(" test queries, accuracy <b>")
        .append(Html.percent(router.accuracy(), false))
        .append("</b>; queries whose best adapter has a probability below ")
        .append(Html.number(router.minConfidence(), 2))
        .append(" go to <i>base</i>. Cells: count (share of the row).</p>");
    TreeSet<String> actual = new TreeSet<>();
    TreeSet<String> predictedAdapters = new TreeSet<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (ConfusionCell cell : router.confusion()) {
      actual.add(cell.actual());
      if (!cell.predicted().equals("base")) {
        predictedAdapters.add(cell.predicted());
      }
      counts.put(cell.actual() + "\u0000" + cell.predicted(), cell.count());
    }
    if (actual.isEmpty()) {
      html.append("<p class=\"empty\">The router saw no test queries.</p></section>\n");
      return;
    }
    TreeSet<String> columnSet = new TreeSet<>(actual);
    columnSet.addAll(predictedAdapters);
    List<String> columns = new ArrayList<>(columnSet);
    columns.add("base");
    List<String> rows = new ArrayList<>(actual);
    String[][] values = new String[rows.size()][columns.size()];
    Double[][] intensity = new Double[rows.size()][columns.size()];
    for (int i = 0; i < rows.size(); i++) {
      long total = 0;
      for (String column : columns) {
        total += counts.getOrDefault(rows.get(i) + "\u0000" + column, 0L);
      }
      for (int j = 0; j < columns.size(); j++) {
        long count = counts.getOrDefault(rows.get(i) + "\u0000" + columns.get(j), 0L);
        double share = total == 0 ? 0 : (double) count / total;
        values[i][j] = count + " (" + Html.percent(share, false).replace(".0%", "%") + ")";
        intensity[i][j] = share;
      }
    }
    html.append(
            SvgCharts.heatmap(
                "Router confusion matrix",
                rows,
                columns,
                values,
                intensity,
                "actual adapter",
                "routed to",
                new SvgCharts.HeatmapStyle(CONFUSION_LOW, CONFUSION_HIGH, true)))
        .append("</section>\n");
  }

  private static final String CSS =
      """
      :root { color-scheme: light; }
      body { margin: 0; background: #f8f9fa; color: #212529;
        font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Noto Sans", sans-serif; }
      main { max-width: 1360px; margin: 0 auto; padding: 20px 28px 40px; }
      header { background: #fff; border: 1px solid #dee2e6; border-radius: 8px; padding: 14px 20px; }
      h1 { font-size: 22px; margin: 0 0 4px; }
      h2 { font-size: 17px; margin: 0 0 8px; }
      section { background: #fff; border: 1px solid #dee2e6; border-radius: 8px; padding: 14px 20px;
        margin-top: 16px; }
      .meta { margin: 0; color: #495057; }
      .summary { font-size: 16px; margin: 10px 0 4px; }
      .note { color: #495057; margin: 0 0 10px; }
      .empty { color: #868e96; font-style: italic; }
      .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600;
        font-size: 13px; }
      .summary .badge { font-size: 15px; padding: 2px 10px; }
      .pass { background: #d3f9d8; color: #2b8a3e; }
      .fail { background: #ffe3e3; color: #c92a2a; }
      .mixed { background: #fff3bf; color: #8f6a00; }
      ul.rejected { margin: 6px 0 0; padding-left: 20px; color: #862e2e; }
      .scroll { overflow-x: auto; }
      table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
      th, td { padding: 5px 6px; border-bottom: 1px solid #e9ecef; vertical-align: top; }
      th { background: #f1f3f5; text-align: left; cursor: pointer; white-space: nowrap;
        user-select: none; position: sticky; top: 0; }
      th:hover { background: #e7f5ff; }
      th.sorted-asc::after { content: " ▲"; font-size: 10px; }
      th.sorted-desc::after { content: " ▼"; font-size: 10px; }
      td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
      td.id { font-weight: 600; white-space: nowrap; }
      td.reason { color: #495057; min-width: 220px; max-width: 340px; font-size: 12px; }
      tbody tr:nth-child(even) { background: #fcfcfd; }
      tbody tr:hover { background: #f1f8ff; }
      .grid { display: flex; flex-wrap: wrap; gap: 12px; }
      figure { margin: 0; border: 1px solid #e9ecef; border-radius: 6px; background: #fff; }
      svg { display: block; max-width: 100%; height: auto; }
      """;

  private static final String SORT_SCRIPT =
      """
      (function () {
        var table = document.getElementById('adapters');
        if (!table) { return; }
        var headers = table.querySelectorAll('th');
        headers.forEach(function (th) {
          th.addEventListener('click', function () {
            var col = Number(th.dataset.col);
            var numeric = th.dataset.type === 'num';
            var ascending = !th.classList.contains('sorted-asc');
            headers.forEach(function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
            th.classList.add(ascending ? 'sorted-asc' : 'sorted-desc');
            var body = table.tBodies[0];
            var rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (a, b) {
              var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
              if (numeric) {
                if (x === '' && y === '') { return 0; }
                if (x === '') { return 1; }
                if (y === '') { return -1; }
                return ascending ? Number(x) - Number(y) : Number(y) - Number(x);
              }
              return ascending ? x.localeCompare(y) : y.localeCompare(x);
            });
            rows.forEach(function (row) { body.appendChild(row); });
          });
        });
      })();
      """;
}
