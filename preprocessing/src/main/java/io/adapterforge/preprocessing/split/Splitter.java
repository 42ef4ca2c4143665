package io.adapterforge.preprocessing.split;

import static io.adapterforge.dataset.PreparedLayout.ADAPTER_ID;
import static io.adapterforge.dataset.PreparedLayout.EXAMPLE_ID;
import static io.adapterforge.dataset.PreparedLayout.SPLIT;
import static io.adapterforge.dataset.PreparedLayout.TEST;
import static io.adapterforge.dataset.PreparedLayout.TRAIN;
import static io.adapterforge.dataset.PreparedLayout.VALIDATION;
import static io.adapterforge.preprocessing.PrepareColumns.KEPT;
import static io.adapterforge.preprocessing.PrepareColumns.STATUS;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import io.adapterforge.config.PrepareConfig;
import io.adapterforge.preprocessing.PrepareTally;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Assigns each kept row to train, validation or test from its example id alone: the first 52 bits
 * of the id (a sha256) as a fraction u in [0, 1); test when u &lt; test, validation when u &lt;
 * test + validation, else train. So a conversation keeps its split across nightly runs. One
 * exception keeps every sizable adapter testable: an adapter with at least {@code
 * min-rows-for-test} kept rows and no test row gets its row with the smallest u moved to test. That
 * needs per-adapter counts, so it is a second step ({@link #promoteTestRows}) meant to run on a
 * persisted dataset; the first ({@link #assign}) is a plain projection.
 */
public final class Splitter {
  private static final double SCALE = Math.pow(16, 13);
  private static final String PROMOTED = "_promoted_example";
  private static final String PROMOTED_ADAPTER = "_promoted_adapter";

  private Splitter() {}

  /** The fraction u of an example id, as a column. */
  public static Column fraction(Column exampleId) {
    return conv(substring(exampleId, 1, 13), 16, 10).cast("double").divide(lit(SCALE));
  }

  /** The same fraction in Java, for checks and tests. */
  public static double fraction(String exampleId) {
    return Long.parseLong(exampleId.substring(0, 13), 16) / SCALE;
  }

  /** Adds the {@code split} column by slice (null for rows that are not kept). */
  public static Dataset<Row> assign(Dataset<Row> rows, PrepareConfig.Split config) {
    Column u = fraction(col(EXAMPLE_ID));
    Column bySlice =
        when(u.lt(config.test()), lit(TEST))
            .when(u.lt(config.test() + config.validation()), lit(VALIDATION))
            .otherwise(lit(TRAIN));
    return rows.withColumn(SPLIT, when(col(STATUS).equalTo(KEPT), bySlice));
  }

  /**
   * One kept row to move to test.
   *
   * @param adapterId its adapter
   * @param exampleId its example id
   * @param fromSplit the split it had
   * @param tokens its tokens
   * @param lossTokens its trained tokens
   */
  public record Promotion(
      String adapterId, String exampleId, String fromSplit, long tokens, long lossTokens) {}

  /**
   * Moves one row to test in each adapter that has at least {@code min-rows-for-test} kept rows but
   * none in test: the row with the smallest u. The per-adapter aggregate is collected to the driver
   * and joined back as a local relation, so later queries on the result do not recompute it and the
   * rows themselves are never shuffled.
   */
  public static Dataset<Row> promoteTestRows(Dataset<Row> rows, PrepareConfig.Split config) {
    return promote(rows, promotions(PrepareTally.of(rows), config));
  }

  /**
   * The rows to move to test, decided from a tally of the kept rows (at most one per adapter): in
   * each adapter with at least {@code min-rows-for-test} kept rows and none in test, the row with
   * the smallest u (ties, of which there are none in practice, go to the smallest example id).
   */
  public static List<Promotion> promotions(PrepareTally tally, PrepareConfig.Split config) {
    Map<String, List<PrepareTally.Group>> kept = new TreeMap<>();
    for (PrepareTally.Group group : tally.groups()) {
      if (KEPT.equals(group.status())) {
        kept.computeIfAbsent(group.adapterId(), k -> new ArrayList<>()).add(group);
      }
    }
    List<Promotion> promotions = new ArrayList<>();
    kept.forEach(
        (adapterId, groups) -> {
          long rows = groups.stream().mapToLong(PrepareTally.Group::rows).sum();
          boolean hasTest = groups.stream().anyMatch(group -> TEST.equals(group.split()));
          if (rows >= config.minRowsForTest() && !hasTest) {
            PrepareTally.Group first =
                groups.stream()
                    .min(Comparator.comparing(PrepareTally.Group::firstExampleId))
                    .orElseThrow();
            promotions.add(
                new Promotion(
                    adapterId,
                    first.firstExampleId(),
                    first.split(),
                    first.firstTokens(),
                    first.firstLossTokens()));
          }
        });
    return promotions;
  }

  /** The rows with each promoted row's split set to test. */
  public static Dataset<Row> promote(Dataset<Row> rows, List<Promotion> promotions) {
    if (promotions.isEmpty()) {
      return rows;
    }
    List<Row> chosen = new ArrayList<>();
    for (Promotion promotion : promotions) {
      chosen.add(RowFactory.create(promotion.adapterId(), promotion.exampleId()));
    }
    StructType schema =
        new StructType()
            .add(PROMOTED_ADAPTER, DataTypes.StringType, false)
            .add(PROMOTED, DataTypes.StringType, false);
    Dataset<Row> promoted = rows.sparkSession().createDataFrame(chosen, schema);
    Column match =
        col(ADAPTER_ID).equalTo(col(PROMOTED_ADAPTER)).and(col(EXAMPLE_ID).equalTo(col(PROMOTED)));
    return rows.join(broadcast(promoted), match, "left_outer")
        .withColumn(SPLIT, when(col(PROMOTED).isNotNull(), lit(TEST)).otherwise(col(SPLIT)))
        .drop(PROMOTED_ADAPTER, PROMOTED);
  }
}
