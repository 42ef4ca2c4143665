package io.adapterforge.preprocessing;

import static io.adapterforge.dataset.PreparedLayout.LINE;
import static io.adapterforge.dataset.PreparedLayout.SOURCE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import io.adapterforge.config.PrepareConfig;
import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.preprocessing.clean.Cleaning;
import io.adapterforge.preprocessing.dedup.Deduplication;
import io.adapterforge.preprocessing.encode.EncodeFunction;
import io.adapterforge.preprocessing.encode.EncodingSpec;
import io.adapterforge.preprocessing.parse.NormalizeFunction;
import io.adapterforge.preprocessing.parse.ParseFunction;
import io.adapterforge.preprocessing.split.Splitter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The prepare stage: lines of corpus files in ({@link
 * io.adapterforge.preprocessing.read.CorpusReader#SCHEMA}), one row per line out, each with its
 * {@link PrepareColumns#STATUS}: {@code kept} rows carry the prepared columns and their split,
 * {@code rejected} rows their reason and detail, {@code duplicate}/{@code near_duplicate} and
 * {@code blank} rows are there to be counted. No row is ever dropped, so the report's books balance
 * by construction and a test can check them against the input. Pure: no I/O, no collect.
 *
 * <p>Two steps, so that a job can persist the expensive one: {@link #encode} parses (row-level
 * Java), cleans (Spark SQL expressions), normalizes and hashes (Java), marks duplicates (one
 * shuffle, by adapter and example id, which also spreads the rows evenly), assigns splits by slice
 * and renders, tokenizes and masks (Java, one tokenizer per executor JVM); {@link #finish} moves
 * one row to test in adapters that have none (a tiny aggregate, broadcast back). {@link #apply}
 * does both.
 */
public final class PreparePipeline {
  private PreparePipeline() {}

  /** Both steps, for callers that do not persist in between. */
  public static Dataset<Row> apply(Dataset<Row> lines, PrepareConfig config, EncodingSpec spec) {
    return finish(encode(lines, config, spec), config);
  }

  /** The expensive step: everything but the per-adapter test-row promotion. */
  public static Dataset<Row> encode(Dataset<Row> lines, PrepareConfig config, EncodingSpec spec) {
    Dataset<Row> parsed =
        lines.map(new ParseFunction(config.adapterField()), Encoders.row(PrepareColumns.PARSED));
    Dataset<Row> cleaned =
        parsed.withColumn(
            PrepareColumns.MESSAGES,
            Cleaning.messages(col(PrepareColumns.MESSAGES), config.clean()));
    StructType normalizedSchema =
        cleaned
            .schema()
            .add(PreparedLayout.CONVERSATION, DataTypes.StringType, true)
            .add(PreparedLayout.EXAMPLE_ID, DataTypes.StringType, true);
    // The conversation JSON now holds the messages: drop the structured copy before shuffling.
    Dataset<Row> normalized =
        cleaned
            .map(new NormalizeFunction(), Encoders.row(normalizedSchema))
            .drop(PrepareColumns.MESSAGES, PrepareColumns.TOOLS, PrepareColumns.FORMAT);
    Dataset<Row> deduplicated =
        Deduplication.near(Deduplication.exact(normalized), config.nearDedup());
    Dataset<Row> split = Splitter.assign(deduplicated, config.split());
    if (config.partitions() > 0) {
      split = split.repartition(config.partitions(), xxhash64(col(SOURCE), col(LINE)));
    }
    return split.mapPartitions(
        new EncodeFunction(spec), Encoders.row(EncodeFunction.outputSchema(split.schema())));
  }

  /** The light step: test-row promotion; run it on the persisted output of {@link #encode}. */
  public static Dataset<Row> finish(Dataset<Row> encoded, PrepareConfig config) {
    return Splitter.promoteTestRows(encoded, config.split());
  }
}
