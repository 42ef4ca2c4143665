package io.adapterforge.evaluation.report;

import static io.adapterforge.evaluation.report.Html.coord;
import static io.adapterforge.evaluation.report.Html.escape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts for the report: line charts with axes, horizontal bar charts and heatmaps. Pure
 * string building, no fonts or images from outside. Stateless.
 */
final class SvgCharts {
  static final String TRAIN_COLOR = "#1c7ed6";
  static final String VALIDATION_COLOR = "#e8590c";
  private static final String GRID = "#e9ecef";
  private static final String AXIS = "#495057";
  private static final String FONT = "font-size=\"11\" fill=\"#343a40\"";

  private SvgCharts() {}

  /** A series of a line chart. */
  record Series(String label, String color, List<LossPoint> points, boolean markers) {}

  /** A line chart of loss by step with axes, grid, tick labels, axis titles and a legend. */
  static String lineChart(String title, List<Series> series, int width, int height) {
    double left = 52;
    double right = 14;
    double top = 34;
    double bottom = 40;
    StringBuilder svg = open(width, height, title);
    svg.append(text(width / 2.0, 16, "middle", "font-size=\"13\" font-weight=\"600\"", title));
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (LossPoint p : s.points()) {
        if (Double.isFinite(p.loss())) {
          minX = Math.min(minX, p.step());
          maxX = Math.max(maxX, p.step());
          minY = Math.min(minY, p.loss());
          maxY = Math.max(maxY, p.loss());
        }
      }
    }
    if (minX == Double.POSITIVE_INFINITY) {
      svg.append(text(width / 2.0, height / 2.0, "middle", FONT, "no loss history recorded"));
      return svg.append("</svg>").toString();
    }
    if (maxX == minX) {
      maxX = minX + 1;
    }
    if (maxY == minY) {
      maxY = minY + Math.max(1e-3, Math.abs(minY) * 0.1);
      minY = minY - Math.max(1e-3, Math.abs(minY) * 0.1);
    }
    double[] yTicks = niceTicks(minY, maxY, 5);
    double[] xTicks = niceTicks(minX, maxX, 5);
    double y0 = Math.min(minY, yTicks[0]);
    double y1 = Math.max(maxY, yTicks[yTicks.length - 1]);
    double x0 = minX;
    double x1 = maxX;
    double plotW = width - left - right;
    double plotH = height - top - bottom;
    Scale sx = v -> left + (v - x0) / (x1 - x0) * plotW;
    Scale sy = v -> top + (1 - (v - y0) / (y1 - y0)) * plotH;

    for (double t : yTicks) {
      double y = sy.at(t);
      svg.append(line(left, y, left + plotW, y, GRID));
      svg.append(text(left - 6, y + 4, "end", FONT, tick(t, yTicks)));
    }
    for (double t : xTicks) {
      if (t < x0 || t > x1) {
        continue;
      }
      double x = sx.at(t);
      svg.append(line(x, top, x, top + plotH, GRID));
      svg.append(text(x, top + plotH + 15, "middle", FONT, tick(t, xTicks)));
    }
    svg.append(line(left, top + plotH, left + plotW, top + plotH, AXIS));
    svg.append(line(left, top, left, top + plotH, AXIS));
    svg.append(text(left + plotW / 2, height - 6, "middle", FONT, "step"));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"12\" y=\"%s\" text-anchor=\"middle\" %s transform=\"rotate(-90 12 %s)\">"
                + "loss (nats/token)</text>",
            coord(top + plotH / 2),
            FONT,
            coord(top + plotH / 2)));

    double legendX = left + plotW - 4;
    for (int i = series.size() - 1; i >= 0; i--) {
      Series s = series.get(i);
      String label = s.label();
      double textWidth = label.length() * 6.2;
      svg.append(text(legendX, top + 12, "end", FONT, label));
      svg.append(
          line(
              legendX - textWidth - 22, top + 8, legendX - textWidth - 6, top + 8, s.color(), 2.5));
      legendX -= textWidth + 34;
    }

    for (Series s : series) {
      List<String> points = new ArrayList<>();
      for (LossPoint p : s.points()) {
        if (Double.isFinite(p.loss())) {
          points.add(coord(sx.at(p.step())) + "," + coord(sy.at(p.loss())));
        }
      }
      if (points.size() > 1) {
        svg.append("<polyline fill=\"none\" stroke=\"")
            .append(s.color())
            .append("\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"")
            .append(String.join(" ", points))
            .append("\"/>");
      }
      if (s.markers() || points.size() == 1) {
        for (String point : points) {
          String[] xy = point.split(",");
          svg.append("<circle cx=\"")
              .append(xy[0])
              .append("\" cy=\"")
              .append(xy[1])
              .append("\" r=\"3\" fill=\"")
              .append(s.color())
              .append("\"/>");
        }
      }
    }
    return svg.append("</svg>").toString();
  }

  /** A bar of a bar chart. */
  record Bar(String label, double value, String color, String valueText) {}

  /**
   * Horizontal bars with a zero line and an optional dashed threshold line ({@code threshold} NaN
   * for none).
   */
  static String barChart(
      String title,
      List<Bar> bars,
      double threshold,
      String thresholdLabel,
      String axisTitle,
      int width) {
    double labelWidth = 170;
    double valueWidth = 140;
    double top = 46;
    double barHeight = 22;
    double gap = 8;
    double axisSpace = 42;
    int height = (int) (top + bars.size() * (barHeight + gap) + axisSpace);
    StringBuilder svg = open(width, height, title);
    svg.append(text(width / 2.0, 16, "middle", "font-size=\"13\" font-weight=\"600\"", title));
    double lo = 0;
    double hi = 0;
    for (Bar bar : bars) {
      if (Double.isFinite(bar.value())) {
        lo = Math.min(lo, bar.value());
        hi = Math.max(hi, bar.value());
      }
    }
    if (Double.isFinite(threshold)) {
      lo = Math.min(lo, threshold);
      hi = Math.max(hi, threshold);
    }
    if (hi == lo) {
      hi = lo + 1;
    }
    double[] ticks = niceTicks(lo, hi, 5);
    double v0 = Math.min(lo, ticks[0]);
    double v1 = Math.max(hi, ticks[ticks.length - 1]);
    double plotLeft = labelWidth;
    double plotW = width - labelWidth - valueWidth;
    double plotBottom = top + bars.size() * (barHeight + gap);
    Scale sx = v -> plotLeft + (v - v0) / (v1 - v0) * plotW;
    for (double t : ticks) {
      double x = sx.at(t);
      svg.append(line(x, top - 4, x, plotBottom, GRID));
      svg.append(
          text(x, plotBottom + 14, "middle", FONT, Html.percent(t, false).replace("−", "-")));
    }
    svg.append(text(plotLeft + plotW / 2, plotBottom + 32, "middle", FONT, axisTitle));
    for (int i = 0; i < bars.size(); i++) {
      Bar bar = bars.get(i);
      double y = top + i * (barHeight + gap);
      svg.append("<g><title>")
          .append(escape(bar.label() + ": " + bar.valueText()))
          .append("</title>");
      svg.append(
          text(plotLeft - 8, y + barHeight / 2 + 4, "end", FONT, Html.shorten(bar.label(), 26)));
      if (Double.isFinite(bar.value())) {
        double x = Math.min(sx.at(0), sx.at(bar.value()));
        double w = Math.abs(sx.at(bar.value()) - sx.at(0));
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" rx=\"2\" fill=\"%s\"/>",
                coord(x),
                coord(y),
                coord(Math.max(w, 1)),
                coord(barHeight),
                bar.color()));
      }
      double labelX =
          Double.isFinite(bar.value()) ? Math.max(sx.at(0), sx.at(bar.value())) + 6 : sx.at(0) + 6;
      svg.append(text(labelX, y + barHeight / 2 + 4, "start", FONT, bar.valueText()));
      svg.append("</g>");
    }
    svg.append(line(sx.at(0), top - 4, sx.at(0), plotBottom, AXIS));
    if (Double.isFinite(threshold)) {
      double x = sx.at(threshold);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#c92a2a\" stroke-width=\"1.5\""
                  + " stroke-dasharray=\"5 4\"/>",
              coord(x),
              coord(top - 8),
              coord(x),
              coord(plotBottom)));
      svg.append(
          text(x + 4, top - 12, "start", "font-size=\"11\" fill=\"#c92a2a\"", thresholdLabel));
    }
    return svg.append("</svg>").toString();
  }

  /**
   * How a heatmap colours its cells; {@code outlineDiagonal} outlines the cells whose row and
   * column labels are equal (an adapter on its own split, a query routed to its own adapter).
   */
  record HeatmapStyle(int[] lowRgb, int[] highRgb, boolean outlineDiagonal) {}

  /**
   * A heatmap: {@code values[i][j]} printed in the cell, {@code intensity[i][j]} in [0, 1] (or
   * null: grey "n/a" cell) picks the colour between the style's low and high colours.
   */
  static String heatmap(
      String title,
      List<String> rowLabels,
      List<String> columnLabels,
      String[][] values,
      Double[][] intensity,
      String rowAxisTitle,
      String columnAxisTitle,
      HeatmapStyle style) {
    double cellW = 86;
    double cellH = 34;
    double labelW = 190;
    double headerH = 96;
    double top = 30;
    int width = (int) (labelW + columnLabels.size() * cellW + 20);
    int height = (int) (top + headerH + rowLabels.size() * cellH + 34);
    StringBuilder svg = open(width, height, title);
    svg.append(text(width / 2.0, 16, "middle", "font-size=\"13\" font-weight=\"600\"", title));
    double gridTop = top + headerH;
    for (int j = 0; j < columnLabels.size(); j++) {
      double x = labelW + j * cellW + cellW / 2;
      double y = gridTop - 8;
      svg.append("<g><title>").append(escape(columnLabels.get(j))).append("</title>");
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%s\" y=\"%s\" text-anchor=\"start\" %s transform=\"rotate(-40 %s %s)\">%s</text>",
              coord(x),
              coord(y),
              FONT,
              coord(x),
              coord(y),
              escape(Html.shorten(columnLabels.get(j), 18))));
      svg.append("</g>");
    }
    for (int i = 0; i < rowLabels.size(); i++) {
      double y = gridTop + i * cellH;
      svg.append("<g><title>").append(escape(rowLabels.get(i))).append("</title>");
      svg.append(
          text(labelW - 8, y + cellH / 2 + 4, "end", FONT, Html.shorten(rowLabels.get(i), 28)));
      svg.append("</g>");
      for (int j = 0; j < columnLabels.size(); j++) {
        double x = labelW + j * cellW;
        Double t = intensity[i][j];
        String fill = t == null ? "#f1f3f5" : mix(style.lowRgb(), style.highRgb(), t);
        String ink = t != null && t > 0.6 ? "#ffffff" : "#212529";
        svg.append("<g><title>")
            .append(escape(rowLabels.get(i) + " × " + columnLabels.get(j) + ": " + values[i][j]))
            .append("</title>");
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\" stroke=\"#ffffff\"/>",
                coord(x),
                coord(y),
                coord(cellW),
                coord(cellH),
                fill));
        if (style.outlineDiagonal() && rowLabels.get(i).equals(columnLabels.get(j))) {
          svg.append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"none\" stroke=\"#212529\""
                      + " stroke-width=\"2\"/>",
                  coord(x + 1),
                  coord(y + 1),
                  coord(cellW - 2),
                  coord(cellH - 2)));
        }
        svg.append(
            text(
                x + cellW / 2,
                y + cellH / 2 + 4,
                "middle",
                "font-size=\"12\" fill=\"" + ink + "\"",
                values[i][j]));
        svg.append("</g>");
      }
    }
    double gridBottom = gridTop + rowLabels.size() * cellH;
    svg.append(
        text(
            labelW + columnLabels.size() * cellW / 2,
            gridBottom + 22,
            "middle",
            FONT,
            "columns: " + columnAxisTitle + " · rows: " + rowAxisTitle));
    return svg.append("</svg>").toString();
  }

  /** Evenly spaced "nice" tick values (1, 2 or 5 × 10^k apart) covering [lo, hi]. */
  static double[] niceTicks(double lo, double hi, int approximateCount) {
    double range = hi - lo;
    double rough = range / Math.max(1, approximateCount);
    double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    double step;
    double residual = rough / magnitude;
    if (residual <= 1) {
      step = magnitude;
    } else if (residual <= 2) {
      step = 2 * magnitude;
    } else if (residual <= 5) {
      step = 5 * magnitude;
    } else {
      step = 10 * magnitude;
    }
    double first = Math.floor(lo / step) * step;
    double last = Math.ceil(hi / step) * step;
    int n = (int) Math.round((last - first) / step) + 1;
    double[] ticks = new double[n];
    for (int i = 0; i < n; i++) {
      ticks[i] = first + i * step;
    }
    return ticks;
  }

  private static String tick(double value, double[] ticks) {
    double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
    int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
    return String.format(Locale.ROOT, "%." + Math.min(decimals, 6) + "f", value);
  }

  private static String mix(int[] low, int[] high, double t) {
    double clamped = Math.max(0, Math.min(1, t));
    return String.format(
        Locale.ROOT,
        "#%02x%02x%02x",
        (int) Math.round(low[0] + (high[0] - low[0]) * clamped),
        (int) Math.round(low[1] + (high[1] - low[1]) * clamped),
        (int) Math.round(low[2] + (high[2] - low[2]) * clamped));
  }

  private static StringBuilder open(int width, int height, String title) {
    return new StringBuilder(4096)
        .append(
            String.format(
                Locale.ROOT,
                "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                    + " %d\" role=\"img\" aria-label=\"%s\" font-family=\"inherit\">",
                width,
                height,
                width,
                height,
                escape(title)));
  }

  private static String text(double x, double y, String anchor, String attributes, String content) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%s\" y=\"%s\" text-anchor=\"%s\" %s>%s</text>",
        coord(x),
        coord(y),
        anchor,
        attributes,
        escape(content));
  }

  private static String line(double x1, double y1, double x2, double y2, String color) {
    return line(x1, y1, x2, y2, color, 1);
  }

  private static String line(
      double x1, double y1, double x2, double y2, String color, double strokeWidth) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"%s\"/>",
        coord(x1),
        coord(y1),
        coord(x2),
        coord(y2),
        color,
        coord(strokeWidth));
  }

  @FunctionalInterface
  private interface Scale {
    double at(double value);
  }
}
