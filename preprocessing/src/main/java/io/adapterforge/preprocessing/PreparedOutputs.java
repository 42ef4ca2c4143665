package io.adapterforge.preprocessing;

import static io.adapterforge.dataset.PreparedLayout.ADAPTER_ID;
import static io.adapterforge.dataset.PreparedLayout.CONVERSATION;
import static io.adapterforge.dataset.PreparedLayout.DETAIL;
import static io.adapterforge.dataset.PreparedLayout.EXAMPLE_ID;
import static io.adapterforge.dataset.PreparedLayout.INPUT_IDS;
import static io.adapterforge.dataset.PreparedLayout.LABELS;
import static io.adapterforge.dataset.PreparedLayout.LINE;
import static io.adapterforge.dataset.PreparedLayout.NUM_LOSS_TOKENS;
import static io.adapterforge.dataset.PreparedLayout.NUM_TOKENS;
import static io.adapterforge.dataset.PreparedLayout.RAW;
import static io.adapterforge.dataset.PreparedLayout.REASON;
import static io.adapterforge.dataset.PreparedLayout.SOURCE;
import static io.adapterforge.dataset.PreparedLayout.SPLIT;
import static io.adapterforge.preprocessing.PrepareColumns.STATUS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.adapterforge.preprocessing.split.Splitter;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The two datasets a prepare run writes, in the layout of {@link
 * io.adapterforge.dataset.PreparedLayout}, from the pipeline's output (whose conversation and raw
 * line are UTF-8 bytes: here they become the strings of the layout).
 *
 * <p>Both come out of one pass over the pipeline ({@link #dataWithParkedRejects}), so the expensive
 * rows are made once and never stored twice: training rows go to their {@code adapter_id=…/split=…}
 * folders, and rejects travel in the same write, in the data columns, parked in one folder of their
 * own ({@code split=}{@value #PARKED}, their line, adapter, raw line, reason and detail as JSON in
 * {@code conversation}). A second, small pass ({@link #unparkRejects}) writes them in the rejects
 * layout, and the job removes the parked folder before anyone can see it.
 */
public final class PreparedOutputs {
  /** The split value under which rejects are parked in the data write. */
  public static final String PARKED = "_rejects";

  /** The training rows' columns, partition columns ({@code adapter_id}, {@code split}) last. */
  public static final StructType DATA =
      new StructType()
          .add(EXAMPLE_ID, DataTypes.StringType, true)
          .add(CONVERSATION, DataTypes.StringType, true)
          .add(INPUT_IDS, DataTypes.createArrayType(DataTypes.IntegerType), true)
          .add(LABELS, DataTypes.createArrayType(DataTypes.IntegerType), true)
          .add(NUM_TOKENS, DataTypes.IntegerType, true)
          .add(NUM_LOSS_TOKENS, DataTypes.IntegerType, true)
          .add(SOURCE, DataTypes.StringType, true)
          .add(ADAPTER_ID, DataTypes.StringType, true)
          .add(SPLIT, DataTypes.StringType, true);

  /** The fields of a reject that travel as JSON in {@code conversation} while it is parked. */
  private static final StructType PARKED_FIELDS =
      new StructType()
          .add(LINE, DataTypes.LongType, true)
          .add(ADAPTER_ID, DataTypes.StringType, true)
          .add(RAW, DataTypes.StringType, true)
          .add(REASON, DataTypes.StringType, true)
          .add(DETAIL, DataTypes.StringType, true);

  private PreparedOutputs() {}

  /**
   * How many tasks {@link #dataWithParkedRejects} makes and writes the rows in: one per core, or
   * one per partition of the pipeline when there are fewer. Every writer holds rows of every
   * (adapter, split), so each folder gets one file per writer, and a file costs more than its rows
   * on a local file system; the pipeline's smaller partitions (which balance the work between
   * cores) run one after the other within a writer.
   */
  public static int writers(SparkSession spark, int partitions) {
    return Math.max(1, Math.min(spark.sparkContext().defaultParallelism(), partitions));
  }

  /**
   * Training rows and rejects in the data columns, to be written partitioned by {@code adapter_id}
   * and {@code split}, sorted by example id, in {@link #writers} tasks: kept rows in their folders,
   * rejects in {@code adapter_id} null, {@code split} {@value #PARKED} (a bad adapter id is no
   * folder name). Duplicates and blank lines are only counted.
   *
   * @param encoded the rows of {@link PreparePipeline#encode} in {@code partitions} partitions
   */
  public static Dataset<Row> dataWithParkedRejects(Dataset<Row> encoded, int partitions) {
    Column kept = col(STATUS).equalTo(PrepareColumns.KEPT);
    Column rejected = col(STATUS).equalTo(PrepareColumns.REJECTED);
    Column parked =
        to_json(
            struct(
                col(LINE),
                col(ADAPTER_ID),
                col(RAW).cast(DataTypes.StringType).as(RAW),
                col(REASON),
                col(DETAIL)));
    return encoded
        .coalesce(writers(encoded.sparkSession(), partitions))
        .where(kept.or(rejected))
        .select(
            when(kept, col(EXAMPLE_ID)).as(EXAMPLE_ID),
            when(kept, col(CONVERSATION).cast(DataTypes.StringType))
                .otherwise(parked)
                .as(CONVERSATION),
            col(INPUT_IDS),
            col(LABELS),
            col(NUM_TOKENS),
            col(NUM_LOSS_TOKENS),
            col(SOURCE),
            when(kept, col(ADAPTER_ID)).as(ADAPTER_ID),
            when(kept, col(SPLIT)).otherwise(lit(PARKED)).as(SPLIT))
        .sortWithinPartitions(col(ADAPTER_ID), col(SPLIT), col(EXAMPLE_ID));
  }

  /**
   * Parked rejects (the files of the {@value #PARKED} folder, read without partition columns) in
   * the rejects layout: where, which adapter (if known), the raw line (cut), the reason and detail;
   * one file, sorted by source and line.
   */
  public static Dataset<Row> unparkRejects(Dataset<Row> parked) {
    Column fields = from_json(col(CONVERSATION), PARKED_FIELDS);
    return parked
        .select(
            col(SOURCE),
            fields.getField(LINE).as(LINE),
            fields.getField(ADAPTER_ID).as(ADAPTER_ID),
            fields.getField(RAW).as(RAW),
            fields.getField(REASON).as(REASON),
            fields.getField(DETAIL).as(DETAIL))
        .repartition(1)
        .sortWithinPartitions(col(SOURCE), col(LINE));
  }

  /**
   * The rows of the folders the promotions take a row from (read with {@link #DATA}, partition
   * columns included), each promoted row's split set to test, to be written partitioned like the
   * data in place of those folders.
   */
  public static Dataset<Row> promoted(Dataset<Row> folders, List<Splitter.Promotion> promotions) {
    return Splitter.promote(folders, promotions)
        .sortWithinPartitions(col(ADAPTER_ID), col(SPLIT), col(EXAMPLE_ID));
  }
}
