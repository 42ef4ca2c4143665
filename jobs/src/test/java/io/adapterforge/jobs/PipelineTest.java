package io.adapterforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.config.ConfigLoader;
import io.adapterforge.demo.DemoCorpus;
import io.adapterforge.demo.DemoSetup;
import io.adapterforge.evaluate.EvalOutcome;
import io.adapterforge.evaluate.EvaluationLayout;
import io.adapterforge.evaluation.registry.AdapterRegistry;
import io.adapterforge.evaluation.report.AdapterReportRow;
import io.adapterforge.evaluation.report.CrossAdapterMatrix;
import io.adapterforge.evaluation.report.EvaluationReport;
import io.adapterforge.evaluation.report.ToolCallMatrix;
import io.adapterforge.testing.LocalSparkExtension;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four stages on {@code local[2]} with the demo's setup: its corpus (banking answers sensitive
 * requests with a tool call, the other tenants never call {@code get_sensitive_data}), its tiny
 * Llama and training settings, the SQLite registry; then a rerun of the same run id, which resumes
 * instead of redoing.
 */
@ExtendWith(LocalSparkExtension.class)
class PipelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path temp;

  private static AdapterforgeConfig config;
  private static Pipeline.Request request;
  private static Pipeline.Result first;
  private static List<String> log;

  @BeforeAll
  static void runOnce(SparkSession spark) throws IOException {
    DemoCorpus.write(temp.resolve("corpus"), 7, 100);
    Path base = temp.resolve("base");
    DemoSetup.writeBaseModel(RealTokenizers.directory(KnownTokenizer.LLAMA2), 7, base);
    List<String> settings = new ArrayList<>(DemoSetup.CONFIG);
    settings.addAll(
        List.of(
            "work-dir=" + temp.resolve("work"),
            "prepare.split.test=0.15",
            "train.checkpoint-every=40",
            "evaluate.max-generations=16",
            "evaluate.max-new-tokens=32",
            "evaluate.router.max-iterations=30",
            "registry.url=jdbc:sqlite:" + temp.resolve("registry.db"),
            "registry.store=" + temp.resolve("store")));
    config = ConfigLoader.load(Optional.empty(), settings);
    request =
        new Pipeline.Request(
            List.of(temp.resolve("corpus").toString()),
            base,
            temp.resolve("runs/r1"),
            "r1",
            List.of());
    log = new ArrayList<>();
    first = Pipeline.run(spark, config, request, log::add);
  }

  @Test
  void runsEveryStageAndWritesTheReport() {
    assertThat(first.skipped()).isEmpty();
    assertThat(first.prepare().orElseThrow().booksBalance()).isTrue();
    assertThat(first.train().orElseThrow().anyFailed()).isFalse();
    EvaluationReport report = first.evaluation().orElseThrow().report();
    assertThat(report.adapters())
        .extracting(AdapterReportRow::adapterId)
        .containsExactlyElementsOf(List.of("banking", "legal", "medical", "sales", "tech-support"));
    Path evaluation = request.evaluation();
    for (String file :
        List.of(
            EvaluationLayout.REPORT_HTML,
            EvaluationLayout.REPORT_JSON,
            EvaluationLayout.GATE_FILE,
            PublishJob.RESULT_FILE)) {
      assertThat(evaluation.resolve(file)).isRegularFile();
    }
    assertThat(evaluation.resolve(EvaluationLayout.METRICS)).isDirectory();
    assertThat(evaluation.resolve(EvaluationLayout.ROUTER).resolve("router.json")).isRegularFile();
    for (Pipeline.Stage stage : Pipeline.Stage.values()) {
      assertThat(Pipeline.marker(request.runDir(), stage)).isRegularFile();
    }
    // Every adapter learned its tenant: better than the base on its own test rows.
    for (AdapterReportRow row : report.adapters()) {
      assertThat(row.adapterNll()).as(row.adapterId()).isLessThan(row.baseNll());
    }
  }

  @Test
  void theMatrixDiagonalBeatsEveryOtherAdapterOnItsTenant() {
    CrossAdapterMatrix matrix = first.evaluation().orElseThrow().report().matrix();
    List<String> ids = matrix.adapters();
    for (int split = 0; split < ids.size(); split++) {
      double own = matrix.nll().get(split).get(split);
      for (int adapter = 0; adapter < ids.size(); adapter++) {
        if (adapter != split) {
          assertThat(own)
              .as("%s on %s's test rows", ids.get(adapter), ids.get(split))
              .isLessThan(matrix.nll().get(adapter).get(split));
        }
      }
      // Switching adapters beats mixing them.
      assertThat(own).isLessThan(matrix.mixtureNll().get(split));
    }
  }

  @Test
  void theBankingAdapterCallsToolsOnBankingPromptsWhereOthersDoNot() {
    EvaluationReport report = first.evaluation().orElseThrow().report();
    ToolCallMatrix tools = report.toolCalls();
    int banking = tools.adapters().indexOf("banking");
    double own = tools.f1().get(banking).get(banking);
    assertThat(own).isPositive();
    for (int adapter = 0; adapter < tools.adapters().size(); adapter++) {
      if (adapter != banking) {
        Double other = tools.f1().get(adapter).get(banking);
        assertThat(other == null || Double.isNaN(other) ? 0 : other)
            .as("%s on banking prompts", tools.adapters().get(adapter))
            .isLessThan(own);
      }
    }
    AdapterReportRow row =
        report.adapters().stream().filter(r -> r.adapterId().equals("banking")).findFirst().get();
    assertThat(row.taskMetrics().toolCallF1()).isEqualTo(own);
  }

  @Test
  void theRouterPicksTheTenantOfNearlyEveryTestQuery() {
    assertThat(first.evaluation().orElseThrow().report().router().accuracy()).isGreaterThan(0.9);
  }

  @Test
  void publishesWhatTheGatePassedAsProductionVersions() throws IOException {
    PublishJob.Result publish = first.publish().orElseThrow();
    JsonNode gate =
        JSON.readTree(request.evaluation().resolve(EvaluationLayout.GATE_FILE).toFile());
    try (AdapterRegistry registry =
        AdapterRegistry.open(config.registry().url(), config.registry().store())) {
      for (JsonNode entry : gate.path("adapters")) {
        String id = entry.path("adapter_id").asText();
        PublishJob.Outcome outcome =
            publish.outcomes().stream().filter(o -> o.adapterId().equals(id)).findFirst().get();
        if (entry.path("published").asBoolean()) {
          assertThat(outcome.status()).isEqualTo(PublishJob.Status.PUBLISHED);
          assertThat(registry.alias(id, AdapterRegistry.PRODUCTION).orElseThrow().version())
              .isEqualTo(outcome.version());
          assertThat(registry.alias(id, AdapterRegistry.PRODUCTION).orElseThrow().runId())
              .isEqualTo("r1");
        } else {
          assertThat(outcome.status()).isEqualTo(PublishJob.Status.REJECTED);
          assertThat(registry.versions(id)).isEmpty();
        }
      }
    }
    assertThat(publish.published()).isPositive();
  }

  @Test
  void aRerunResumesAtTheFirstUnfinishedStageAndPublishesNothingTwice(SparkSession spark)
      throws IOException {
    List<String> again = new ArrayList<>();
    Pipeline.Result rerun = Pipeline.run(spark, config, request, again::add);
    assertThat(rerun.skipped()).containsExactly(Pipeline.Stage.values());
    assertThat(rerun.evaluation()).isEmpty();

    Files.delete(Pipeline.marker(request.runDir(), Pipeline.Stage.PUBLISH));
    Pipeline.Result publishOnly = Pipeline.run(spark, config, request, again::add);
    assertThat(publishOnly.skipped())
        .containsExactly(Pipeline.Stage.PREPARE, Pipeline.Stage.TRAIN, Pipeline.Stage.EVALUATE);
    for (PublishJob.Outcome outcome : publishOnly.publish().orElseThrow().outcomes()) {
      assertThat(outcome.status())
          .isIn(PublishJob.Status.ALREADY_PUBLISHED, PublishJob.Status.REJECTED);
    }
  }

  @Test
  void anAdapterThatChangesNothingFailsTheEvaluation() {
    EvalOutcome.SplitScore same = new EvalOutcome.SplitScore("a", 4, 4, 12.5, 10, null);
    Map<String, Map<String, EvalOutcome.SplitScore>> scores =
        Map.of(EvaluateJob.BASE, Map.of("a", same), "a", Map.of("a", same));
    List<String[]> replies = List.<String[]>of(new String[] {"hello", "hi"});
    assertThatThrownBy(
            () ->
                EvaluateJob.requireApplied(
                    List.of("a"), scores, Map.of("a", replies), Map.of("a", replies)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("change nothing")
        .hasMessageContaining("a (test NLL 1.250000 on 10 tokens, 1 replies");

    EvalOutcome.SplitScore better = new EvalOutcome.SplitScore("a", 4, 4, 11.0, 10, null);
    EvaluateJob.requireApplied(
        List.of("a"),
        Map.of(EvaluateJob.BASE, Map.of("a", same), "a", Map.of("a", better)),
        Map.of("a", replies),
        Map.of("a", replies));
  }
}
