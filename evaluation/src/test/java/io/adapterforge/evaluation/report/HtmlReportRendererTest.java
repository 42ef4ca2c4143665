package io.adapterforge.evaluation.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportRendererTest {
  private static final Pattern EXTERNAL_REFERENCE =
      Pattern.compile(
          "(?i)https?://|//[a-z0-9.-]+\\.[a-z]{2,}/|\\bsrc\\s*=|\\bhref\\s*=|url\\(|@import|<link\\b"
              + "|<iframe\\b|<img\\b|<object\\b|<embed\\b|fetch\\(|XMLHttpRequest|import\\(");

  private final String html = HtmlReportRenderer.render(ReportFixtures.fiveAdapters());

  /** Every place in {@code text} that could make a browser fetch something. */
  static List<String> externalReferences(String text) {
    Matcher matcher = EXTERNAL_REFERENCE.matcher(text);
    List<String> found = new java.util.ArrayList<>();
    while (matcher.find()) {
      int from = Math.max(0, matcher.start() - 30);
      found.add(text.substring(from, Math.min(text.length(), matcher.end() + 30)));
    }
    return found;
  }

  @Test
  void referencesNothingOutsideTheFile() {
    assertThat(externalReferences(html)).isEmpty();
    // The scanner itself finds what it is for.
    assertThat(externalReferences("<img src=\"x.png\"> <link rel=x> url(http://a.b/c)")).hasSize(5);
  }

  @Test
  void escapesTextThatComesFromData() {
    assertThat(html)
        .doesNotContain("<script>alert")
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    assertThat(Pattern.compile("<script").matcher(html).results().count())
        .as("only the report's own sorting script")
        .isEqualTo(1);
  }

  @Test
  void opensWithSummaryOfGateAndGains() {
    assertThat(html)
        .contains(
            "3 of 5 adapters passed the gate</span> · best gain <b>bank-ru</b> +29.2% · worst gain"
                + " <b>tenant-b</b> −8.0% · router accuracy <b>95.0%</b>");
    assertThat(html).contains("<b>legal</b> rejected: relative NLL gain 0.0050");
    assertThat(html.indexOf("passed the gate")).isLessThan(html.indexOf("<table"));
  }

  @Test
  void tableListsEveryAdapterByGainWithUndefinedMetricsAsDash() {
    int bankRu = html.indexOf("<td class=\"id\" data-v=\"bank-ru\">");
    int bankEn = html.indexOf("<td class=\"id\" data-v=\"bank-en\">");
    int tenantB = html.indexOf("<td class=\"id\" data-v=\"tenant-b\">");
    assertThat(bankRu).isPositive().isLessThan(bankEn);
    assertThat(bankEn).isLessThan(tenantB);
    assertThat(html).contains("<td class=\"num\" data-v=\"\">—</td>");
    // legal: perplexities exp(2.9) = 18.17 and exp(2.885) = 17.90
    assertThat(html).contains(">18.17</td>").contains(">17.90</td>");
  }

  @Test
  void drawsEveryChart() {
    assertThat(Pattern.compile("<svg ").matcher(html).results().count())
        .as("gain chart + 5 loss curves + cross-adapter and tool-call heatmaps + confusion matrix")
        .isEqualTo(9);
    assertThat(html)
        .contains("average of all adapters")
        .contains("Router confusion matrix")
        .contains(">step</text>")
        .contains("loss (nats/token)</text>")
        .contains("publish.min-gain 2.0%");
  }

  @Test
  void saysWhatIsMissingInsteadOfDrawingEmptyCharts() {
    EvaluationReport full = ReportFixtures.fiveAdapters();
    EvaluationReport bare =
        new EvaluationReport(
            full.runId(),
            full.baseModel(),
            full.generatedAt(),
            Double.NaN,
            List.of(),
            List.of(),
            CrossAdapterMatrix.empty(),
            null,
            ToolCallMatrix.empty());
    String text = HtmlReportRenderer.render(bare);
    assertThat(text)
        .contains("0 of 0 adapters passed the gate")
        .contains("No adapter was evaluated.")
        .contains("No loss history was found for any adapter.")
        .contains("The cross-adapter matrix was not computed.")
        .contains("The tool-call matrix was not computed.")
        .contains("No router was trained in this run.");
  }

  @Test
  void showsToolCallF1OfEveryAdapterOnEveryTenantRightAfterTheNllMatrix() {
    int nllMatrix = html.indexOf("Adapter × test split → mean NLL");
    int start = html.indexOf("<section><h2>Tool-call F1 across tenants</h2>");
    int router = html.indexOf("<section><h2>Router</h2>");
    assertThat(nllMatrix).isPositive().isLessThan(start);
    assertThat(html.indexOf("</section>", nllMatrix)).isLessThan(start);
    assertThat(start).isLessThan(router);
    String section = html.substring(start, router);

    assertThat(section)
        .contains("aria-label=\"Tool-call F1: adapter (row) on each tenant&#39;s test prompts\"")
        .contains("<title>bank-ru × bank-ru: 0.850</title>")
        .contains("<title>legal × bank-ru: 0.000</title>")
        .contains("<title>bank-en × support: 0.150</title>")
        .contains("<title>legal × legal: —</title>")
        .contains("<title>support × legal: —</title>");
    // Undefined cells are neutral grey; F1 0 gets the low end, F1 0.85 is close to the high end.
    assertThat(cellFill(section, "legal × legal")).isEqualTo("#f1f3f5");
    assertThat(cellFill(section, "legal × bank-ru")).isEqualTo("#ffe8cc");
    assertThat(cellFill(section, "bank-ru × bank-ru")).isEqualTo("#4b9853");
    assertThat(Pattern.compile("fill=\"none\" stroke=\"#212529\"").matcher(section).results())
        .as("the diagonal is outlined")
        .hasSize(5);
  }

  /** The fill of the heatmap cell whose tooltip starts with {@code cell}. */
  private static String cellFill(String svg, String cell) {
    Matcher matcher =
        Pattern.compile(
                "<title>"
                    + Pattern.quote(cell)
                    + ": [^<]*</title><rect [^>]*fill=\"(#[0-9a-f]{6})\"")
            .matcher(svg);
    assertThat(matcher.find()).as("cell %s", cell).isTrue();
    return matcher.group(1);
  }

  @Test
  void writesHtmlAndJsonIntoTheFolder(@TempDir Path dir) throws Exception {
    Path folder = dir.resolve("evaluation");
    HtmlReportRenderer.write(ReportFixtures.fiveAdapters(), folder);
    assertThat(Files.readString(folder.resolve("report.html"))).isEqualTo(html);
    assertThat(Files.readString(folder.resolve("report.json")))
        .isEqualTo(ReportJson.toJson(ReportFixtures.fiveAdapters()));
    try (var files = Files.list(folder)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("report.html", "report.json");
    }
  }

  @Test
  void matrixRejectsRaggedRows() {
    assertThatThrownBy(
            () ->
                new CrossAdapterMatrix(
                    List.of("a", "b"),
                    List.of("a", "b"),
                    List.of(List.of(1.0, 2.0), List.of(1.0)),
                    List.of(1.0, 1.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot build the cross-adapter matrix: row of adapter b has 1 values for 2 test"
                + " splits");
  }

  @Test
  void toolCallMatrixRejectsWrongShapesAndValuesOutsideTheUnitInterval() {
    assertThatThrownBy(
            () -> new ToolCallMatrix(List.of("a", "b"), List.of("a"), List.of(List.of(1.0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot build the tool-call matrix: 1 rows of F1 for 2 adapters");
    assertThatThrownBy(
            () ->
                new ToolCallMatrix(
                    List.of("a", "b"), List.of("a", "b"), List.of(List.of(1.0, 0.5), List.of(0.5))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot build the tool-call matrix: row of adapter b has 1 values for 2 test splits");
    assertThatThrownBy(
            () -> new ToolCallMatrix(List.of("a"), List.of("a", "b"), List.of(List.of(0.5, 1.2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot build the tool-call matrix: F1 1.2 of adapter a on test split b must be in"
                + " [0, 1], or NaN when undefined");
    assertThatThrownBy(
            () ->
                new ToolCallMatrix(
                    List.of("a"), List.of("a"), List.of(java.util.Arrays.asList((Double) null))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot build the tool-call matrix: F1 null of adapter a on test split a must be in"
                + " [0, 1], or NaN when undefined");
    assertThat(
            new ToolCallMatrix(List.of("a"), List.of("a", "b"), List.of(List.of(Double.NaN, 0.0)))
                .f1())
        .containsExactly(List.of(Double.NaN, 0.0));
  }
}
