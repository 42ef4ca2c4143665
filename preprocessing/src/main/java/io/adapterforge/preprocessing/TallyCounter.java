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
 * job which writes the rows need not scan them again just to aggregate them. Counts are kept per
 * task (by its partition), and a pipeline partition only counts once all of its rows have been
 * made; a task computed again (a lost executor, a speculative copy) replaces its earlier counts
 * instead of adding to them, while the pipeline partitions one task makes one after the other (rows
 * coalesced into fewer writers) add up. The tally is exact, or missing ({@link #tally}) when some
 * task was not counted, and then the caller aggregates instead.
 */
public final class TallyCounter
    extends AccumulatorV2<TallyCounter.Partition, Map<Integer, TallyCounter.Partition>> {
  private static final long serialVersionUID = 1L;

  private final HashMap<Integer, Partition> partitions = new HashMap<>();

  /** A counter registered with the session's context, ready for {@link PreparePipeline#encode}. */
  public static TallyCounter register(SparkSession spark) {
    TallyCounter counter = new TallyCounter();
    spark.sparkContext().register(counter, "prepare tally");
    return counter;
  }

  /**
   * The tally of all rows, when each of the {@code tasks} tasks (partitions of the stage that made
   * the rows) was counted to its end; empty otherwise.
   */
  public Optional<PrepareTally> tally(int tasks) {
    if (this.partitions.size() != tasks) {
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
    return partitions.isEmpty();
  }

  @Override
  public TallyCounter copy() {
    TallyCounter copy = new TallyCounter();
    copy.partitions.putAll(partitions);
    return copy;
  }

  @Override
  public void reset() {
    partitions.clear();
  }

  /**
   * Records the counts of a pipeline partition whose rows have all been made: added to those of the
   * same task attempt (which made several), in place of those of an earlier attempt.
   */
  @Override
  public void add(Partition partition) {
    partitions.merge(
        partition.index,
        partition,
        (previous, next) -> previous.attempt == next.attempt ? previous.plus(next) : next);
  }

  @Override
  public void merge(AccumulatorV2<Partition, Map<Integer, Partition>> other) {
    partitions.putAll(other.value());
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

    /** The counts of a partition the current task is making. */
    public Partition() {
      this(TaskContext.get().partitionId(), TaskContext.get().taskAttemptId());
    }

    private Partition(int index, long attempt) {
      this.index = index;
      this.attempt = attempt;
    }

    /** These counts and another's together, as a new object (accumulator values are shared). */
    Partition plus(Partition other) {
      Partition sum = new Partition(index, attempt);
      for (Partition part : List.of(this, other)) {
        part.groups.forEach(
            (key, sums) -> sum.groups.computeIfAbsent(key, k -> new Sums()).add(sums));
      }
      return sum;
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
