package io.adapterforge.preprocessing;

import static io.adapterforge.dataset.PreparedLayout.ADAPTER_ID;
import static io.adapterforge.dataset.PreparedLayout.EXAMPLE_ID;
import static org.apache.spark.sql.functions.col;

import io.adapterforge.config.PrepareConfig;
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
import org.apache.spark.sql.SparkSession;

/**
 * The prepare stage: lines of corpus files in ({@link
 * io.adapterforge.preprocessing.read.CorpusReader#SCHEMA}), one row per line out, each with its
 * {@link PrepareColumns#STATUS}: {@code kept} rows carry the prepared columns and their split,
 * {@code rejected} rows their reason and detail, {@code duplicate}/{@code near_duplicate} and
 * {@code blank} rows are there to be counted. No row is ever dropped, so the report's books balance
 * by construction and a test can check them against the input. The conversation and the raw line
 * are UTF-8 bytes ({@link PrepareColumns#NORMALIZED}); {@link PreparedOutputs} writes them as
 * strings. Pure: no I/O, no collect.
 *
 * <p>Two steps, so that a job can persist the expensive one: {@link #encode} parses into one row
 * per message (row-level Java), cleans each message's content (Spark SQL expressions), folds the
 * messages back into one row per line with the normalized conversation and its hash (Java), marks
 * duplicates (one shuffle into {@link #partitions} partitions by adapter and example id, which also
 * spreads the rows evenly for the tokenizer), assigns splits by slice and renders, tokenizes and
 * masks (Java, one tokenizer per executor JVM); {@link #finish} moves one row to test in adapters
 * that have none (a tiny aggregate, broadcast back; a job that also reports takes the promotions
 * and the report from one {@link PrepareTally}). {@link #apply} does both.
 */
public final class PreparePipeline {
  /** Input bytes per tokenizer task when the partitions are sized by the input. */
  public static final long BYTES_PER_PARTITION = 4L << 20;

  /** At most this many tokenizer tasks per core when sized by the input. */
  public static final int PARTITIONS_PER_CORE = 32;

  private PreparePipeline() {}

  /** Both steps, for callers that do not persist in between. */
  public static Dataset<Row> apply(Dataset<Row> lines, PrepareConfig config, EncodingSpec spec) {
    return finish(encode(lines, config, spec), config);
  }

  /**
   * The expensive step: everything but the per-adapter test-row promotion, in {@link #partitions}
   * partitions for an input of unknown size.
   */
  public static Dataset<Row> encode(Dataset<Row> lines, PrepareConfig config, EncodingSpec spec) {
    return encode(lines, config, spec, partitions(lines.sparkSession(), config, 0), null);
  }

  /**
   * The expensive step into the given number of partitions (see {@link #partitions}): everything
   * but the per-adapter test-row promotion.
   *
   * @param counter counts the rows as they are made (for a job that stores them anyway), or null
   */
  public static Dataset<Row> encode(
      Dataset<Row> lines,
      PrepareConfig config,
      EncodingSpec spec,
      int partitions,
      TallyCounter counter) {
    return encode(split(lines, config, partitions), spec, counter);
  }

  /**
   * The rows up to encoding: parsed, cleaned, normalized, deduplicated and split, in {@code
   * partitions} partitions. A job can build this plan while it loads the tokenizer.
   */
  public static Dataset<Row> split(Dataset<Row> lines, PrepareConfig config, int partitions) {
    Dataset<Row> messages =
        lines.flatMap(
            new ParseFunction(config.adapterField(), config.clean()),
            Encoders.row(PrepareColumns.MESSAGE_ROWS));
    Dataset<Row> cleaned =
        messages.withColumn(
            PrepareColumns.CONTENT,
            Cleaning.content(
                col(PrepareColumns.CONTENT), col(PrepareColumns.MAY_CHANGE), config.clean()));
    Dataset<Row> normalized =
        cleaned.mapPartitions(new NormalizeFunction(), Encoders.row(PrepareColumns.NORMALIZED));
    // The dedup window needs the rows of an (adapter, example) together; an explicit partition
    // count keeps adaptive execution from coalescing them into fewer, uneven tokenizer tasks.
    Dataset<Row> clustered = normalized.repartition(partitions, col(ADAPTER_ID), col(EXAMPLE_ID));
    Dataset<Row> deduplicated =
        Deduplication.near(Deduplication.exact(clustered), config.nearDedup());
    return Splitter.assign(deduplicated, config.split());
  }

  /**
   * Renders, tokenizes and masks the kept rows of {@link #split}.
   *
   * @param counter counts the rows as they are made (for a job that stores them anyway), or null
   */
  public static Dataset<Row> encode(Dataset<Row> split, EncodingSpec spec, TallyCounter counter) {
    return split.mapPartitions(
        new EncodeFunction(spec, split.schema(), counter),
        Encoders.row(EncodeFunction.outputSchema(split.schema())));
  }

  /** The light step: test-row promotion; run it on the persisted output of {@link #encode}. */
  public static Dataset<Row> finish(Dataset<Row> encoded, PrepareConfig config) {
    return Splitter.promoteTestRows(encoded, config.split());
  }

  /**
   * Partitions for rendering and tokenization: {@code prepare.partitions}, or when that is 0, the
   * session's {@code spark.sql.shuffle.partitions} raised to one per {@link #BYTES_PER_PARTITION}
   * of input, up to {@link #PARTITIONS_PER_CORE} per core. The tasks are CPU-bound and equal in
   * rows, so the last ones decide when the stage ends: many small tasks leave a core idle for less
   * time than a few big ones do.
   *
   * @param inputBytes the size of the input files (0 when unknown)
   */
  public static int partitions(SparkSession spark, PrepareConfig config, long inputBytes) {
    if (config.partitions() > 0) {
      return config.partitions();
    }
    int configured = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
    long bySize = (inputBytes + BYTES_PER_PARTITION - 1) / BYTES_PER_PARTITION;
    long cap = (long) PARTITIONS_PER_CORE * spark.sparkContext().defaultParallelism();
    return (int) Math.max(configured, Math.min(bySize, cap));
  }
}
