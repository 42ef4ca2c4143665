package io.adapterforge.evaluation.router;

import static io.adapterforge.evaluation.router.AdapterRouter.ADAPTER_COLUMN;
import static io.adapterforge.evaluation.router.AdapterRouter.BASE;
import static io.adapterforge.evaluation.router.AdapterRouter.TEXT_COLUMN;
import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A trained router: the fitted Spark ML pipeline plus the confidence threshold below which a query
 * goes to {@value AdapterRouter#BASE}.
 *
 * <p>Saved as one folder: the pipeline written by {@code PipelineModel.write().overwrite()} and,
 * beside its {@code metadata/} and {@code stages/}, {@value #SETTINGS_FILE} with the threshold. Any
 * Hadoop FileSystem URI works. Immutable; {@link #route} and {@link #evaluate} may be called from
 * several threads of the driver.
 */
public final class RouterModel {
  /** Column {@link #route} adds: the chosen adapter id, or {@code base}. */
  public static final String ROUTED_ADAPTER_COLUMN = "routed_adapter";

  /** Column {@link #route} adds: the best adapter's probability, in [0, 1]. */
  public static final String CONFIDENCE_COLUMN = "confidence";

  /** The file, inside the saved folder, that holds the router's own settings. */
  public static final String SETTINGS_FILE = "router.json";

  private static final String ORIGINAL_TEXT = "router_original_text";
  private static final int SETTINGS_FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PipelineModel pipeline;
  private final double minConfidence;

  RouterModel(PipelineModel pipeline, double minConfidence) {
    this.pipeline = requireNonNull(pipeline, "pipeline is null");
    if (!(minConfidence >= 0 && minConfidence <= 1)) {
      throw new RouterException(
          "Cannot use "
              + RouterConfig.MIN_CONFIDENCE
              + " "
              + minConfidence
              + ": must be in [0, 1]");
    }
    this.minConfidence = minConfidence;
  }

  /** The threshold in force. */
  public double minConfidence() {
    return minConfidence;
  }

  /** The same pipeline with another threshold. */
  public RouterModel withMinConfidence(double newMinConfidence) {
    return new RouterModel(pipeline, newMinConfidence);
  }

  /** The fitted Spark ML pipeline, for callers that serve it themselves. */
  public PipelineModel pipeline() {
    return pipeline;
  }

  /**
   * Routes each query: keeps the input's columns and adds {@value #ROUTED_ADAPTER_COLUMN} and
   * {@value #CONFIDENCE_COLUMN}. The input needs {@value AdapterRouter#TEXT_COLUMN}; a null text
   * routes to {@code base} with confidence 0. Lazy: nothing runs until an action.
   */
  public Dataset<Row> route(Dataset<Row> queries) {
    requireNonNull(queries, "queries is null");
    AdapterRouter.requireColumns(queries, List.of(TEXT_COLUMN), "route queries");
    String[] inputColumns = queries.columns();
    // The tokenizer rejects nulls: score an empty string instead, but hand the caller's value back.
    Dataset<Row> scored =
        pipeline.transform(
            queries
                .withColumn(ORIGINAL_TEXT, col(TEXT_COLUMN))
                .na()
                .fill("", new String[] {TEXT_COLUMN}));
    Column confidence =
        array_max(functions.vector_to_array(col(AdapterRouter.PROBABILITY), "float64"));
    Column missingText = col(ORIGINAL_TEXT).isNull();
    List<Column> output = new ArrayList<>();
    for (String column : inputColumns) {
      output.add(column.equals(TEXT_COLUMN) ? col(ORIGINAL_TEXT).as(TEXT_COLUMN) : col(column));
    }
    output.add(
        when(missingText.or(confidence.lt(lit(minConfidence))), lit(BASE))
            .otherwise(col(AdapterRouter.PREDICTED_ADAPTER))
            .as(ROUTED_ADAPTER_COLUMN));
    output.add(when(missingText, lit(0.0)).otherwise(confidence).as(CONFIDENCE_COLUMN));
    return scored.select(output.toArray(new Column[0]));
  }

  /**
   * Routes labelled test queries ({@value AdapterRouter#ADAPTER_COLUMN}, {@value
   * AdapterRouter#TEXT_COLUMN}) and counts the outcome. Collects only the confusion matrix (at most
   * adapters × (adapters + 1) rows) to the driver.
   */
  public RouterEvaluation evaluate(Dataset<Row> testRows) {
    requireNonNull(testRows, "testRows is null");
    AdapterRouter.requireColumns(
        testRows, List.of(ADAPTER_COLUMN, TEXT_COLUMN), "evaluate the router");
    List<Row> counts =
        route(
                testRows
                    .select(col(ADAPTER_COLUMN).cast("string"), col(TEXT_COLUMN))
                    .where(col(ADAPTER_COLUMN).isNotNull()))
            .groupBy(ADAPTER_COLUMN, ROUTED_ADAPTER_COLUMN)
            .count()
            .collectAsList();
    List<ConfusionCell> cells = new ArrayList<>();
    long total = 0;
    long correct = 0;
    for (Row row : counts) {
      ConfusionCell cell = new ConfusionCell(row.getString(0), row.getString(1), row.getLong(2));
      cells.add(cell);
      total += cell.count();
      if (cell.actual().equals(cell.predicted())) {
        correct += cell.count();
      }
    }
    cells.sort(Comparator.comparing(ConfusionCell::actual).thenComparing(ConfusionCell::predicted));
    return new RouterEvaluation(
        total, total == 0 ? Double.NaN : (double) correct / total, minConfidence, cells);
  }

  /** Writes the router to {@code path}, replacing whatever is there. */
  public void save(String path) {
    requireNonNull(path, "path is null");
    try {
      pipeline.write().overwrite().save(path);
    } catch (IOException e) {
      throw new RouterException("Cannot save the router pipeline to " + path + ": " + e, e);
    }
    Path settings = new Path(path, SETTINGS_FILE);
    ObjectNode node = JSON.createObjectNode();
    node.put("format", SETTINGS_FORMAT);
    node.put("min_confidence", minConfidence);
    try (OutputStream out = fileSystem(settings).create(settings, true)) {
      JSON.writerWithDefaultPrettyPrinter().writeValue(out, node);
    } catch (IOException e) {
      throw new RouterException("Cannot write router settings " + settings + ": " + e, e);
    }
  }

  /** Reads a router written by {@link #save}. */
  public static RouterModel load(String path) {
    requireNonNull(path, "path is null");
    Path settings = new Path(path, SETTINGS_FILE);
    JsonNode node;
    try (InputStream in = fileSystem(settings).open(settings)) {
      node = JSON.readTree(in);
    } catch (IOException e) {
      throw new RouterException(
          "Cannot load the router from "
              + path
              + ": cannot read "
              + SETTINGS_FILE
              + " ("
              + e
              + "); was it written by RouterModel.save?",
          e);
    }
    if (node == null
        || node.path("format").asInt(-1) != SETTINGS_FORMAT
        || !node.path("min_confidence").isNumber()) {
      throw new RouterException(
          "Cannot load the router from "
              + path
              + ": "
              + SETTINGS_FILE
              + " is not format "
              + SETTINGS_FORMAT
              + " with a numeric min_confidence: "
              + node);
    }
    PipelineModel pipeline = PipelineModel.load(path);
    return new RouterModel(pipeline, node.get("min_confidence").asDouble());
  }

  private static FileSystem fileSystem(Path path) throws IOException {
    Configuration conf =
        SparkSession.getActiveSession().isDefined()
            ? SparkSession.active().sparkContext().hadoopConfiguration()
            : new Configuration();
    return path.getFileSystem(conf);
  }
}
