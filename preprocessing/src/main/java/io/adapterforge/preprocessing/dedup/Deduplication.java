package io.adapterforge.preprocessing.dedup;

import static io.adapterforge.dataset.PreparedLayout.ADAPTER_ID;
import static io.adapterforge.dataset.PreparedLayout.CONVERSATION;
import static io.adapterforge.dataset.PreparedLayout.EXAMPLE_ID;
import static io.adapterforge.dataset.PreparedLayout.LINE;
import static io.adapterforge.dataset.PreparedLayout.SOURCE;
import static io.adapterforge.preprocessing.PrepareColumns.DUPLICATE;
import static io.adapterforge.preprocessing.PrepareColumns.KEPT;
import static io.adapterforge.preprocessing.PrepareColumns.NEAR_DUPLICATE;
import static io.adapterforge.preprocessing.PrepareColumns.STATUS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.adapterforge.config.PrepareConfig;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.MinHashLSH;
import org.apache.spark.ml.feature.MinHashLSHModel;
import org.apache.spark.ml.feature.NGram;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * Marks duplicates among the kept rows of each adapter. Exact: rows with the same example id in the
 * same adapter; the row that comes first by (source, line) is kept. Near: MinHash LSH over word
 * shingles of the conversation; of a pair at or above the similarity threshold, the row with the
 * larger example id is marked, so the outcome does not depend on partitioning.
 */
public final class Deduplication {
  private static final long SEED = 20260101L;

  private Deduplication() {}

  /**
   * Marks exact duplicates ({@code status = duplicate}). The window groups by example id first: the
   * rows come out in example-id order, adapters mixed, which the tokenizer after it encodes faster
   * than long runs of one adapter's text (concurrent tasks then share less of it).
   */
  public static Dataset<Row> exact(Dataset<Row> rows) {
    Column rank =
        row_number()
            .over(Window.partitionBy(EXAMPLE_ID, ADAPTER_ID).orderBy(col(SOURCE), col(LINE)));
    return rows.withColumn(
        STATUS,
        when(col(STATUS).equalTo(KEPT).and(rank.gt(1)), lit(DUPLICATE)).otherwise(col(STATUS)));
  }

  /** Marks near-duplicates ({@code status = near_duplicate}) when enabled in the config. */
  public static Dataset<Row> near(Dataset<Row> rows, PrepareConfig.NearDedup config) {
    if (!config.enabled()) {
      return rows;
    }
    // The pipeline carries the conversation as UTF-8 bytes; the tokenizer below wants a string.
    Dataset<Row> kept =
        rows.where(col(STATUS).equalTo(KEPT))
            .select(
                col(ADAPTER_ID),
                col(EXAMPLE_ID),
                col(CONVERSATION).cast("string").as(CONVERSATION));
    PipelineModel features =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new RegexTokenizer()
                      .setInputCol(CONVERSATION)
                      .setOutputCol("words")
                      .setPattern("\\W+")
                      .setMinTokenLength(1),
                  new NGram()
                      .setN(config.shingleSize())
                      .setInputCol("words")
                      .setOutputCol("shingles"),
                  new HashingTF()
                      .setInputCol("shingles")
                      .setOutputCol("features")
                      .setNumFeatures(1 << 20)
                      .setBinary(true)
                })
            .fit(kept);
    Dataset<Row> vectors =
        features
            .transform(kept)
            .where(functions.size(col("shingles")).gt(0))
            .select(ADAPTER_ID, EXAMPLE_ID, "features");
    MinHashLSHModel lsh =
        new MinHashLSH()
            .setNumHashTables(config.hashTables())
            .setSeed(SEED)
            .setInputCol("features")
            .setOutputCol("hashes")
            .fit(vectors);
    Dataset<Row> pairs =
        lsh.approxSimilarityJoin(vectors, vectors, 1.0 - config.threshold(), "distance").toDF();
    Dataset<Row> nearDuplicates =
        pairs
            .where(
                col("datasetA." + ADAPTER_ID)
                    .equalTo(col("datasetB." + ADAPTER_ID))
                    .and(col("datasetA." + EXAMPLE_ID).lt(col("datasetB." + EXAMPLE_ID)))
                    .and(col("distance").leq(1.0 - config.threshold())))
            .select(
                col("datasetB." + ADAPTER_ID).as("nd_adapter"),
                col("datasetB." + EXAMPLE_ID).as("nd_example"))
            .distinct();
    Dataset<Row> joined =
        rows.join(
            nearDuplicates,
            col(ADAPTER_ID)
                .equalTo(col("nd_adapter"))
                .and(col(EXAMPLE_ID).equalTo(col("nd_example"))),
            "left_outer");
    return joined
        .withColumn(
            STATUS,
            when(col(STATUS).equalTo(KEPT).and(col("nd_example").isNotNull()), lit(NEAR_DUPLICATE))
                .otherwise(col(STATUS)))
        .drop("nd_adapter", "nd_example");
  }
}
