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

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The two datasets a prepare run writes, in the layout of {@link
 * io.adapterforge.dataset.PreparedLayout}, selected from the pipeline's output (whose conversation
 * and raw line are UTF-8 bytes: here they become the strings of the layout).
 */
public final class PreparedOutputs {
  private PreparedOutputs() {}

  /**
   * Training rows, to be written partitioned by {@code adapter_id} and {@code split}, sorted by
   * example id. One writer per core (the rows are coalesced, not shuffled): every writer holds rows
   * of every (adapter, split), so each folder gets one file per writer, and a file costs more than
   * its rows on a local file system. Meant for rows already stored (persisted): coalescing rows not
   * yet computed would compute them in as few tasks.
   */
  public static Dataset<Row> data(Dataset<Row> prepared) {
    int writers = prepared.sparkSession().sparkContext().defaultParallelism();
    return prepared
        .coalesce(writers)
        .where(col(STATUS).equalTo(PrepareColumns.KEPT))
        .select(
            col(EXAMPLE_ID),
            col(CONVERSATION).cast(DataTypes.StringType).as(CONVERSATION),
            col(INPUT_IDS),
            col(LABELS),
            col(NUM_TOKENS),
            col(NUM_LOSS_TOKENS),
            col(SOURCE),
            col(ADAPTER_ID),
            col(SPLIT))
        .sortWithinPartitions(col(ADAPTER_ID), col(SPLIT), col(EXAMPLE_ID));
  }

  /**
   * Reject rows: where, which adapter (if known), the raw line (cut), the reason and detail; one
   * file, sorted by source and line.
   */
  public static Dataset<Row> rejects(Dataset<Row> prepared) {
    return prepared
        .where(col(STATUS).equalTo(PrepareColumns.REJECTED))
        .select(
            col(SOURCE),
            col(LINE),
            col(ADAPTER_ID),
            col(RAW).cast(DataTypes.StringType).as(RAW),
            col(REASON),
            col(DETAIL))
        .repartition(1)
        .sortWithinPartitions(col(SOURCE), col(LINE));
  }
}
