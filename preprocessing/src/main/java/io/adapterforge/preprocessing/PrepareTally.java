package io.adapterforge.preprocessing;

import static io.adapterforge.dataset.PreparedLayout.ADAPTER_ID;
import static io.adapterforge.dataset.PreparedLayout.EXAMPLE_ID;
import static io.adapterforge.dataset.PreparedLayout.NUM_LOSS_TOKENS;
import static io.adapterforge.dataset.PreparedLayout.NUM_TOKENS;
import static io.adapterforge.dataset.PreparedLayout.REASON;
import static io.adapterforge.dataset.PreparedLayout.SPLIT;
import static io.adapterforge.preprocessing.PrepareColumns.STATUS;
import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The one aggregate of the pipeline's rows that both the report and the test-row promotions are
 * made from, so that a job scans its rows once for both: per adapter, status, split and reject
 * reason, the rows and their tokens, and for kept rows the one with the smallest example id (the
 * smallest split fraction u) with its tokens. Collected to the driver: one small record per group,
 * never rows. Immutable.
 *
 * @param groups the groups, in no particular order
 */
public record PrepareTally(List<Group> groups) {
  /** Bucket for rows whose adapter could not be determined. */
  public static final String UNATTRIBUTED = "(unattributed)";

  public PrepareTally {
    groups = List.copyOf(requireNonNull(groups, "groups is null"));
  }

  /**
   * One group of rows.
   *
   * @param adapterId the adapter, or {@link #UNATTRIBUTED}
   * @param status the rows' {@link PrepareColumns#STATUS}
   * @param split the split of kept rows; null for the others
   * @param reason the reject reason of rejected rows; null for the others
   * @param rows how many
   * @param tokens their tokens
   * @param lossTokens their trained tokens
   * @param firstExampleId of kept rows, the smallest example id; null for the others
   * @param firstTokens that row's tokens
   * @param firstLossTokens that row's trained tokens
   */
  public record Group(
      String adapterId,
      String status,
      String split,
      String reason,
      long rows,
      long tokens,
      long lossTokens,
      String firstExampleId,
      long firstTokens,
      long firstLossTokens) {}

  /**
   * Aggregates rows of {@link PreparePipeline#encode} (or of {@link PreparePipeline#apply}); see
   * {@link TallyCounter} for the same counts without a second pass over stored rows.
   */
  public static PrepareTally of(Dataset<Row> rows) {
    List<Group> groups = new ArrayList<>();
    for (Row group :
        rows.groupBy(
                coalesce(col(ADAPTER_ID), lit(UNATTRIBUTED)).as(ADAPTER_ID),
                col(STATUS),
                col(SPLIT),
                col(REASON))
            .agg(
                count(lit(1)),
                coalesce(sum(col(NUM_TOKENS)), lit(0L)),
                coalesce(sum(col(NUM_LOSS_TOKENS)), lit(0L)),
                // Example ids are fixed-width hex: the smallest has the smallest fraction u.
                min(
                    when(
                        col(STATUS).equalTo(PrepareColumns.KEPT),
                        struct(col(EXAMPLE_ID), col(NUM_TOKENS), col(NUM_LOSS_TOKENS)))))
            .collectAsList()) {
      Row first = group.getStruct(7);
      groups.add(
          new Group(
              group.getString(0),
              group.getString(1),
              group.getString(2),
              group.getString(3),
              group.getLong(4),
              group.getLong(5),
              group.getLong(6),
              first == null ? null : first.getString(0),
              first == null || first.isNullAt(1) ? 0 : first.getInt(1),
              first == null || first.isNullAt(2) ? 0 : first.getInt(2)));
    }
    return new PrepareTally(groups);
  }
}
