package io.adapterforge.evaluation.router;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Trains the router: {@code RegexTokenizer} (lower-cased runs of Unicode letters and digits, so
 * Cyrillic words stay whole) → {@code HashingTF} → {@code IDF} → multinomial {@code
 * LogisticRegression}, with a {@code StringIndexer} on {@value #ADAPTER_COLUMN} and an {@code
 * IndexToString} back to adapter ids.
 *
 * <p>Input rows: {@value #ADAPTER_COLUMN} (string) and {@value #TEXT_COLUMN} (string, one user turn
 * of the train split); rows with a null in either are ignored. Training runs Spark jobs (the label
 * index and the fits) but collects nothing except the label list. Stateless and thread-safe.
 */
public final class AdapterRouter {
  /** Column with the adapter a query belongs to. */
  public static final String ADAPTER_COLUMN = "adapter_id";

  /** Column with the query text. */
  public static final String TEXT_COLUMN = "text";

  /** What the router answers when no adapter is confident enough: serve the bare base model. */
  public static final String BASE = "base";

  static final String TOKENS = "router_tokens";
  static final String TERM_FREQUENCIES = "router_tf";
  static final String FEATURES = "router_features";
  static final String LABEL = "router_label";
  static final String RAW_PREDICTION = "router_raw_prediction";
  static final String PROBABILITY = "router_probability";
  static final String PREDICTION = "router_prediction";
  static final String PREDICTED_ADAPTER = "router_predicted_adapter";

  private AdapterRouter() {}

  /**
   * Fits the router on labelled user turns.
   *
   * @throws RouterException when a column is missing, no row is usable, or an adapter is named
   *     {@value #BASE} (which would be indistinguishable from the fallback)
   */
  public static RouterModel train(Dataset<Row> userTurns, RouterConfig config) {
    requireNonNull(userTurns, "userTurns is null");
    requireNonNull(config, "config is null");
    requireColumns(userTurns, List.of(ADAPTER_COLUMN, TEXT_COLUMN), "train the router");
    Dataset<Row> rows =
        userTurns
            .select(col(ADAPTER_COLUMN).cast("string"), col(TEXT_COLUMN).cast("string"))
            .where(col(ADAPTER_COLUMN).isNotNull().and(col(TEXT_COLUMN).isNotNull()));

    StringIndexerModel indexer =
        new StringIndexer()
            .setInputCol(ADAPTER_COLUMN)
            .setOutputCol(LABEL)
            .setStringOrderType("alphabetAsc")
            .setHandleInvalid("keep")
            .fit(rows);
    String[] labels = indexer.labelsArray()[0];
    if (labels.length == 0) {
      throw new RouterException(
          "Cannot train the router: no row has both " + ADAPTER_COLUMN + " and " + TEXT_COLUMN);
    }
    if (Arrays.asList(labels).contains(BASE)) {
      throw new RouterException(
          "Cannot train the router: an adapter is named '"
              + BASE
              + "', which is reserved for routing to the bare base model; rename the adapter");
    }

    LogisticRegression classifier =
        new LogisticRegression()
            .setFamily("multinomial")
            .setMaxIter(config.maxIterations())
            .setRegParam(config.regularization())
            .setElasticNetParam(0.0)
            .setFeaturesCol(FEATURES)
            .setLabelCol(LABEL)
            .setRawPredictionCol(RAW_PREDICTION)
            .setProbabilityCol(PROBABILITY)
            .setPredictionCol(PREDICTION);
    Pipeline pipeline =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  indexer,
                  new RegexTokenizer()
                      .setInputCol(TEXT_COLUMN)
                      .setOutputCol(TOKENS)
                      .setPattern("[^\\p{L}\\p{N}]+")
                      .setGaps(true)
                      .setToLowercase(true)
                      .setMinTokenLength(1),
                  new HashingTF()
                      .setInputCol(TOKENS)
                      .setOutputCol(TERM_FREQUENCIES)
                      .setNumFeatures(config.numFeatures()),
                  new IDF().setInputCol(TERM_FREQUENCIES).setOutputCol(FEATURES),
                  classifier,
                  new IndexToString()
                      .setInputCol(PREDICTION)
                      .setOutputCol(PREDICTED_ADAPTER)
                      .setLabels(labels)
                });
    PipelineModel model = pipeline.fit(rows);
    return new RouterModel(model, config.minConfidence());
  }

  static void requireColumns(Dataset<Row> rows, List<String> columns, String action) {
    List<String> present = Arrays.asList(rows.columns());
    for (String column : columns) {
      if (!present.contains(column)) {
        throw new RouterException(
            "Cannot "
                + action
                + ": the input has no column '"
                + column
                + "' (columns: "
                + present
                + ")");
      }
    }
  }
}
