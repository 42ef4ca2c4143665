package io.adapterforge.preprocessing.split;

import static io.adapterforge.dataset.PreparedLayout.ADAPTER_ID;
import static io.adapterforge.dataset.PreparedLayout.EXAMPLE_ID;
import static io.adapterforge.dataset.PreparedLayout.SPLIT;
import static io.adapterforge.dataset.PreparedLayout.TEST;
import static io.adapterforge.dataset.PreparedLayout.TRAIN;
import static io.adapterforge.dataset.PreparedLayout.VALIDATION;
import static io.adapterforge.preprocessing.PrepareColumns.KEPT;
import static io.adapterforge.preprocessing.PrepareColumns.STATUS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import io.adapterforge.config.PrepareConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Assigns each kept row to train, validation or test from its example id alone: the first 52 bits
 * of the id (a sha256) as a fraction u in [0, 1); test when u &lt; test, validation when u &lt;
 * test + validation, else train. So a conversation keeps its split across nightly runs. One
 * exception keeps every sizable adapter testable: an adapter with at least {@code
 * min-rows-for-test} kept rows and no test row gets its row with the smallest u moved to test.
 */
public final class Splitter {
  private static final double SCALE = Math.pow(16, 13);

  private Splitter() {}

  /** The fraction u of an example id, as a column. */
  public static Column fraction(Column exampleId) {
    return conv(substring(exampleId, 1, 13), 16, 10).cast("double").divide(lit(SCALE));
  }

  /** The same fraction in Java, for checks and tests. */
  public static double fraction(String exampleId) {
    return Long.parseLong(exampleId.substring(0, 13), 16) / SCALE;
  }

  /** Adds the {@code split} column (null for rows that are not kept). */
  public static Dataset<Row> assign(Dataset<Row> rows, PrepareConfig.Split config) {
    Column u = fraction(col(EXAMPLE_ID));
    Column bySlice =
        when(u.lt(config.test()), lit(TEST))
            .when(u.lt(config.test() + config.validation()), lit(VALIDATION))
            .otherwise(lit(TRAIN));
    Column kept = col(STATUS).equalTo(KEPT);
    Dataset<Row> sliced =
        rows.withColumn(SPLIT, when(kept, bySlice)).withColumn("_u", when(kept, u));
    WindowSpec adapter = Window.partitionBy(col(ADAPTER_ID), kept.as("_kept"));
    Column keptRows = count(when(kept, lit(1))).over(adapter);
    Column hasTest = max(when(col(SPLIT).equalTo(TEST), lit(1)).otherwise(lit(0))).over(adapter);
    Column smallest = min(col("_u")).over(adapter);
    Column promote =
        kept.and(keptRows.geq(config.minRowsForTest()))
            .and(hasTest.equalTo(0))
            .and(col("_u").equalTo(smallest));
    return sliced.withColumn(SPLIT, when(promote, lit(TEST)).otherwise(col(SPLIT))).drop("_u");
  }
}
