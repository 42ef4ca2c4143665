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
 * <p>Steps: parse (row-level Java), clean (Spark SQL expressions), normalize and hash (Java), exact
 * and near dedup, split (SQL), then render, tokenize and mask (Java, one tokenizer per executor)
 * after a repartition that balances the work.
 */
public final class PreparePipeline {
  private PreparePipeline() {}

  public static Dataset<Row> apply(Dataset<Row> lines, PrepareConfig config, EncodingSpec spec) {
    Dataset<Row> parsed =
        lines.mapPartitions(
            new ParseFunction(config.adapterField()), Encoders.row(PrepareColumns.PARSED));
    Dataset<Row> cleaned =
        parsed.withColumn(
            PrepareColumns.MESSAGES,
            Cleaning.messages(col(PrepareColumns.MESSAGES), config.clean()));
    StructType normalizedSchema =
        cleaned
            .schema()
            .add(PreparedLayout.CONVERSATION, DataTypes.StringType, true)
            .add(PreparedLayout.EXAMPLE_ID, DataTypes.StringType, true);
    Dataset<Row> normalized =
        cleaned.mapPartitions(new NormalizeFunction(), Encoders.row(normalizedSchema));
    Dataset<Row> deduplicated =
        Deduplication.near(Deduplication.exact(normalized), config.nearDedup());
    Dataset<Row> split =
        io.adapterforge.preprocessing.split.Splitter.assign(deduplicated, config.split());
    int partitions =
        config.partitions() > 0
            ? config.partitions()
            : 2 * lines.sparkSession().sparkContext().defaultParallelism();
    // Spread rows by their source position, which is unique and stable, so encoding work is
    // balanced whatever the adapters' sizes.
    Dataset<Row> balanced = split.repartition(partitions, xxhash64(col(SOURCE), col(LINE)));
    return balanced.mapPartitions(
        new EncodeFunction(spec), Encoders.row(EncodeFunction.outputSchema(split.schema())));
  }
}
