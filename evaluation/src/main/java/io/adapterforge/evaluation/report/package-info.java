/**
 * The bulk evaluation report: a typed model ({@link
 * io.adapterforge.evaluation.report.EvaluationReport} and its records), rendered as one
 * self-contained {@code report.html} (inline CSS, inline SVG charts, a few lines of inline script
 * for sorting; no network fetch of any kind) by {@link
 * io.adapterforge.evaluation.report.HtmlReportRenderer}, as {@code report.json} by {@link
 * io.adapterforge.evaluation.report.ReportJson}, and as the rows of {@code metrics.parquet} by
 * {@link io.adapterforge.evaluation.report.MetricsTable}.
 *
 * <p>Undefined numbers (NaN) are shown as an em dash in HTML and written as {@code null} in JSON
 * and Parquet.
 */
package io.adapterforge.evaluation.report;
