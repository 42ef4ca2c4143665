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
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import io.adapterforge.config.PrepareConfig;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
   * Moves one row to test in each adapter that has at least {@code min-rows-for-test} kept rows but
   * none in test: the row with the smallest u. The per-adapter aggregate (at most one row per
   * adapter) is collected to the driver and joined back as a local relation, so later queries on
   * the result do not recompute it and the rows themselves are never shuffled.
   */
  public static Dataset<Row> promoteTestRows(Dataset<Row> rows, PrepareConfig.Split config) {
    Dataset<Row> aggregate =
        rows.where(col(STATUS).equalTo(KEPT))
            .groupBy(col(ADAPTER_ID))
            .agg(
                count(lit(1)).as("_rows"),
                max(when(col(SPLIT).equalTo(TEST), lit(1)).otherwise(lit(0))).as("_has_test"),
                min_by(col(EXAMPLE_ID), fraction(col(EXAMPLE_ID))).as(PROMOTED))
            .where(col("_rows").geq(config.minRowsForTest()).and(col("_has_test").equalTo(0)))
            .select(col(ADAPTER_ID).as(PROMOTED_ADAPTER), col(PROMOTED));
    List<Row> chosen = aggregate.collectAsList();
    Dataset<Row> promotions = rows.sparkSession().createDataFrame(chosen, aggregate.schema());
    Column promoted =
        col(ADAPTER_ID).equalTo(col(PROMOTED_ADAPTER)).and(col(EXAMPLE_ID).equalTo(col(PROMOTED)));
    return rows.join(broadcast(promotions), promoted, "left_outer")
        .withColumn(SPLIT, when(col(PROMOTED).isNotNull(), lit(TEST)).otherwise(col(SPLIT)))
        .drop(PROMOTED_ADAPTER, PROMOTED);
  }
}
