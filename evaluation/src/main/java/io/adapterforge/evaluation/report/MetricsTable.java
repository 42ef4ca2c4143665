package io.adapterforge.evaluation.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-adapter rows of the report as a Spark Dataset, the content of {@code metrics.parquet}:
 * one row per adapter with the columns of {@link #SCHEMA}; NaN and infinite numbers become null.
 * Stateless and thread-safe.
 */
public final class MetricsTable {
  /** The schema of {@code metrics.parquet}. */
  public static final StructType SCHEMA =
      new StructType()
          .add("adapter_id", DataTypes.StringType, false)
          .add("rows", DataTypes.LongType, false)
          .add("tokens", DataTypes.LongType, false)
          .add("train_loss", DataTypes.DoubleType)
          .add("validation_loss", DataTypes.DoubleType)
          .add("base_nll", DataTypes.DoubleType)
          .add("adapter_nll", DataTypes.DoubleType)
          .add("base_perplexity", DataTypes.DoubleType)
          .add("adapter_perplexity", DataTypes.DoubleType)
          .add("relative_gain", DataTypes.DoubleType)
          .add("examples", DataTypes.LongType, false)
          .add("exact_match", DataTypes.DoubleType)
          .add("token_f1", DataTypes.DoubleType)
          .add("tool_call_precision", DataTypes.DoubleType)
          .add("tool_call_recall", DataTypes.DoubleType)
          .add("tool_call_f1", DataTypes.DoubleType)
          .add("tool_name_accuracy", DataTypes.DoubleType)
          .add("published", DataTypes.BooleanType, false)
          .add("gate_reason", DataTypes.StringType, false);

  private MetricsTable() {}

  /** The rows as a Dataset with {@link #SCHEMA}; the rows are few (one per adapter). */
  public static Dataset<Row> toDataset(SparkSession spark, List<AdapterReportRow> rows) {
    requireNonNull(spark, "spark is null");
    requireNonNull(rows, "rows is null");
    List<Row> out = new ArrayList<>(rows.size());
    for (AdapterReportRow row : rows) {
      var tasks = row.taskMetrics();
      out.add(
          RowFactory.create(
              row.adapterId(),
              row.rows(),
              row.tokens(),
              finite(row.trainLoss()),
              finite(row.validationLoss()),
              finite(row.baseNll()),
              finite(row.adapterNll()),
              finite(row.basePerplexity()),
              finite(row.adapterPerplexity()),
              finite(row.relativeGain()),
              tasks.examples(),
              finite(tasks.exactMatch()),
              finite(tasks.tokenF1()),
              finite(tasks.toolCallPrecision()),
              finite(tasks.toolCallRecall()),
              finite(tasks.toolCallF1()),
              finite(tasks.toolNameAccuracy()),
              row.gate().published(),
              row.gate().reason()));
    }
    return spark.createDataFrame(out, SCHEMA);
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
