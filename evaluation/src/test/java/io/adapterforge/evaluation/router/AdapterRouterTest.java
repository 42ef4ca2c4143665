package io.adapterforge.evaluation.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adapterforge.testing.LocalSparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalSparkExtension.class)
class AdapterRouterTest {
  private static final RouterConfig CONFIG = new RouterConfig(0.6, 1 << 12, 30, 0.01);
  private static RouterModel model;

  @BeforeAll
  static void train(SparkSession spark) {
    model = AdapterRouter.train(RouterTestCorpus.queries(spark, 120, 1L).cache(), CONFIG);
  }

  @Test
  void routesHeldOutQueriesOfWellSeparatedDomainsAccurately(SparkSession spark) {
    RouterEvaluation evaluation = model.evaluate(RouterTestCorpus.queries(spark, 40, 2L));
    assertThat(evaluation.queries()).isEqualTo(120);
    assertThat(evaluation.accuracy()).isGreaterThan(0.9);
    assertThat(evaluation.minConfidence()).isEqualTo(0.6);
    assertThat(evaluation.confusion().stream().mapToLong(ConfusionCell::count).sum())
        .isEqualTo(120);
    // Every diagonal cell dominates its row.
    Map<String, Long> diagonal =
        evaluation.confusion().stream()
            .filter(cell -> cell.actual().equals(cell.predicted()))
            .collect(Collectors.toMap(ConfusionCell::actual, ConfusionCell::count));
    assertThat(diagonal).containsOnlyKeys("banking", "legal", "tech-support");
    assertThat(diagonal.values()).allSatisfy(count -> assertThat(count).isGreaterThan(36));
  }

  @Test
  void sendsGibberishAndEmptyQueriesToBase(SparkSession spark) {
    Dataset<Row> queries =
        spark.createDataFrame(
            List.of(
                RowFactory.create(1, "zxqv blorf quandle snerk"),
                RowFactory.create(2, "ыщвапр кцукенг фывапролдж"),
                RowFactory.create(3, ""),
                RowFactory.create(4, (Object) null),
                RowFactory.create(5, "How do I block my credit card?"),
                RowFactory.create(6, "Мой ноутбук не может подключиться к wifi")),
            new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType));
    Map<Integer, Row> routed =
        model.route(queries).collectAsList().stream()
            .collect(Collectors.toMap(row -> row.getInt(0), row -> row));
    assertThat(routed.get(1).getString(2)).isEqualTo("base");
    assertThat(routed.get(2).getString(2)).isEqualTo("base");
    assertThat(routed.get(3).getString(2)).isEqualTo("base");
    assertThat(routed.get(4).getString(2)).isEqualTo("base");
    assertThat(routed.get(4).isNullAt(1)).as("null text is handed back as null").isTrue();
    assertThat(routed.get(4).getDouble(3)).isZero();
    assertThat(routed.get(1).getDouble(3)).isLessThan(0.6);
    assertThat(routed.get(5).getString(2)).isEqualTo("banking");
    assertThat(routed.get(5).getDouble(3)).isGreaterThanOrEqualTo(0.6);
    assertThat(routed.get(6).getString(2)).isEqualTo("tech-support");
    assertThat(queries.columns().length + 2).isEqualTo(routed.get(1).length());
  }

  @Test
  void savedRouterLoadsWithPipelineAndThreshold(SparkSession spark, @TempDir Path dir)
      throws Exception {
    String path = dir.resolve("router").toUri().toString();
    RouterModel strict = model.withMinConfidence(0.99);
    Files.writeString(
        Files.createDirectories(dir.resolve("router")).resolve("stale.txt"), "previous run");
    strict.save(path);
    assertThat(Files.exists(dir.resolve("router").resolve("stale.txt")))
        .as("overwritten")
        .isFalse();
    assertThat(Files.exists(dir.resolve("router").resolve(RouterModel.SETTINGS_FILE))).isTrue();
    RouterModel loaded = RouterModel.load(path);
    assertThat(loaded.minConfidence()).isEqualTo(0.99);
    Dataset<Row> test = RouterTestCorpus.queries(spark, 10, 3L);
    RouterEvaluation reloaded = loaded.evaluate(test);
    RouterEvaluation original = strict.evaluate(test);
    assertThat(reloaded).isEqualTo(original);
    // The strict threshold sends some queries to base, so the threshold really was applied.
    assertThat(reloaded.confusion())
        .anySatisfy(cell -> assertThat(cell.predicted()).isEqualTo("base"));
  }

  @Test
  void rejectsAdapterNamedBase(SparkSession spark) {
    Dataset<Row> rows =
        spark.createDataFrame(
            List.of(RowFactory.create("base", "hello"), RowFactory.create("bank", "card")),
            RouterTestCorpus.SCHEMA);
    assertThatThrownBy(() -> AdapterRouter.train(rows, CONFIG))
        .isInstanceOf(RouterException.class)
        .hasMessage(
            "Cannot train the router: an adapter is named 'base', which is reserved for routing"
                + " to the bare base model; rename the adapter");
  }

  @Test
  void rejectsInputWithoutTextColumn(SparkSession spark) {
    Dataset<Row> rows =
        spark.createDataFrame(
            List.of(RowFactory.create("bank")),
            new StructType().add("adapter_id", DataTypes.StringType));
    assertThatThrownBy(() -> AdapterRouter.train(rows, CONFIG))
        .isInstanceOf(RouterException.class)
        .hasMessage(
            "Cannot train the router: the input has no column 'text' (columns: [adapter_id])");
  }

  @Test
  void loadingAFolderWithoutSettingsSaysWhy(@TempDir Path dir) {
    assertThatThrownBy(() -> RouterModel.load(dir.toUri().toString()))
        .isInstanceOf(RouterException.class)
        .hasMessageStartingWith("Cannot load the router from " + dir.toUri())
        .hasMessageContaining("cannot read router.json");
  }

  @Test
  void configRejectsBadValues() {
    assertThat(RouterConfig.defaults()).isEqualTo(new RouterConfig(0.5, 1 << 18, 100, 0.01));
    assertThatThrownBy(() -> new RouterConfig(1.5, 1 << 18, 100, 0.01))
        .hasMessage("Cannot use evaluate.router.min-confidence 1.5: must be in [0, 1]");
    assertThatThrownBy(() -> new RouterConfig(0.5, 1000, 100, 0.01))
        .hasMessage(
            "Cannot use evaluate.router.num-features 1000: must be a power of two in [1024,"
                + " 16777216]");
    assertThatThrownBy(() -> new RouterConfig(0.5, 1 << 18, 0, 0.01))
        .hasMessage("Cannot use evaluate.router.max-iterations 0: must be positive");
    assertThatThrownBy(() -> new RouterConfig(0.5, 1 << 18, 10, -1))
        .hasMessage(
            "Cannot use evaluate.router.regularization -1.0: must be a non-negative finite number");
  }
}
