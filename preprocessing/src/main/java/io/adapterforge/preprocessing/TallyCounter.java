package io.adapterforge.preprocessing;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.AccumulatorV2;

/**
 * Counts the pipeline's rows into a {@link PrepareTally} as the tasks that make them run, so that a
 * job which stores the rows anyway need not scan them again just to aggregate them. Counts are kept
 * per partition, and a partition only counts once its task has produced all of its rows; a
 * partition computed again (a lost cache block, a speculative copy of a task) replaces its earlier
 * counts instead of adding to them. Partitions are told apart by the task's partition, so each must
 * be made by a task of its own: when one task makes several (rows coalesced before they are
 * stored), the counter notices and gives no tally. The tally is exact, or missing ({@link #tally})
 * when some partition was not counted, and then the caller aggregates instead.
 */
public final class TallyCounter
    extends AccumulatorV2<TallyCounter.Partition, Map<Integer, TallyCounter.Partition>> {
  private static final long serialVersionUID = 1L;

  private final HashMap<Integer, Partition> partitions = new HashMap<>();
  private boolean confused;

  /** A counter registered with the session's context, ready for {@link PreparePipeline#encode}. */
  public static TallyCounter register(SparkSession spark) {
    TallyCounter counter = new TallyCounter();
    spark.sparkContext().register(counter, "prepare tally");
    return counter;
  }

  /**
   * The tally of all rows, when each of the {@code partitions} partitions was counted to its end;
   * empty otherwise.
   */
  public Optional<PrepareTally> tally(int partitions) {
    if (confused || this.partitions.size() != partitions) {
      return Optional.empty();
    }
    Map<Key, Sums> total = new HashMap<>();
    for (Partition partition : this.partitions.values()) {
      partition.groups.forEach(
          (key, sums) -> total.computeIfAbsent(key, k -> new Sums()).add(sums));
    }
    List<PrepareTally.Group> groups = new ArrayList<>();
    total.forEach(
        (key, sums) ->
            groups.add(
                new PrepareTally.Group(
                    key.adapterId,
                    key.status,
                    key.split,
                    key.reason,
                    sums.rows,
                    sums.tokens,
                    sums.lossTokens,
                    sums.firstExampleId,
                    sums.firstTokens,
                    sums.firstLossTokens)));
    return Optional.of(new PrepareTally(groups));
  }

  @Override
  public boolean isZero() {
    return partitions.isEmpty() && !confused;
  }

  @Override
  public TallyCounter copy() {
    TallyCounter copy = new TallyCounter();
    copy.partitions.putAll(partitions);
    copy.confused = confused;
    return copy;
  }

  @Override
  public void reset() {
    partitions.clear();
    confused = false;
  }

  /** Records the counts of a partition whose rows have all been made. */
  @Override
  public void add(Partition partition) {
    Partition previous = partitions.put(partition.index, partition);
    // Two partitions counted by one task attempt: it made several, and they share its index.
    confused |= previous != null && previous.attempt == partition.attempt;
  }

  @Override
  public void merge(AccumulatorV2<Partition, Map<Integer, Partition>> other) {
    partitions.putAll(other.value());
    confused |= ((TallyCounter) other).confused;
  }

  @Override
  public Map<Integer, Partition> value() {
    return Map.copyOf(partitions);
  }

  /** The counts of one partition's rows, as {@link PrepareTally} groups them. Not thread-safe. */
  public static final class Partition implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int index;
    private final long attempt;
    private final HashMap<Key, Sums> groups = new HashMap<>();

    /** The counts of the partition the current task is making. */
    public Partition() {
      TaskContext task = TaskContext.get();
      this.index = task.partitionId();
      this.attempt = task.taskAttemptId();
    }

    /** Counts one row; {@code tokens}, {@code lossTokens} and {@code exampleId} may be null. */
    public void add(
        String adapterId,
        String status,
        String split,
        String reason,
        Integer tokens,
        Integer lossTokens,
        String exampleId) {
      Key key =
          new Key(adapterId == null ? PrepareTally.UNATTRIBUTED : adapterId, status, split, reason);
      Sums sums = groups.computeIfAbsent(key, k -> new Sums());
      long rowTokens = tokens == null ? 0 : tokens;
      long rowLossTokens = lossTokens == null ? 0 : lossTokens;
      sums.rows++;
      sums.tokens += rowTokens;
      sums.lossTokens += rowLossTokens;
      if (PrepareColumns.KEPT.equals(status) && exampleId != null) {
        sums.first(exampleId, rowTokens, rowLossTokens);
      }
    }
  }

  private record Key(String adapterId, String status, String split, String reason)
      implements Serializable {}

  private static final class Sums implements Serializable {
    private static final long serialVersionUID = 1L;

    long rows;
    long tokens;
    long lossTokens;
    String firstExampleId;
    long firstTokens;
    long firstLossTokens;

    void first(String exampleId, long tokens, long lossTokens) {
      if (firstExampleId == null || exampleId.compareTo(firstExampleId) < 0) {
        firstExampleId = exampleId;
        firstTokens = tokens;
        firstLossTokens = lossTokens;
      }
    }

    void add(Sums other) {
      rows += other.rows;
      tokens += other.tokens;
      lossTokens += other.lossTokens;
      if (other.firstExampleId != null) {
        first(other.firstExampleId, other.firstTokens, other.firstLossTokens);
      }
    }
  }
}
