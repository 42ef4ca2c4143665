package io.adapterforge.preprocessing.read;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.AccumulatorV2;

/**
 * Counts the lines read from each corpus file as {@link CorpusReader} streams them (a read failure
 * counts as the one line it is reported on): the input side of the report's books, counted where
 * the lines are read, independently of what the pipeline makes of them, and without reading the
 * files a second time. It keeps one count per file read (per partition of the lines, which is a
 * file) and merges by taking the larger, never the sum, so a task that Spark runs again (a lost
 * shuffle output, a speculative copy) does not count its file twice; a task that fails reports
 * nothing, and a file read only in part reports nothing either, which leaves it missing from {@link
 * #files()}.
 */
public final class LineCounter extends AccumulatorV2<Map<String, Long>, Map<String, Long>> {
  private static final long serialVersionUID = 1L;

  private final HashMap<String, Long> counts = new HashMap<>();

  /** A counter registered with the session's context, ready to pass to {@link CorpusReader}. */
  public static LineCounter register(SparkSession spark) {
    LineCounter counter = new LineCounter();
    spark.sparkContext().register(counter, "corpus lines read");
    return counter;
  }

  /** Records that {@code lines} lines were read from the whole of a file, named by {@code key}. */
  void count(String key, long lines) {
    counts.merge(key, lines, Math::max);
  }

  /** Lines read, all files together. */
  public long total() {
    long total = 0;
    for (long lines : counts.values()) {
      total += lines;
    }
    return total;
  }

  /** Files read to their end. */
  public int files() {
    return counts.size();
  }

  @Override
  public boolean isZero() {
    return counts.isEmpty();
  }

  @Override
  public LineCounter copy() {
    LineCounter copy = new LineCounter();
    copy.counts.putAll(counts);
    return copy;
  }

  @Override
  public void reset() {
    counts.clear();
  }

  @Override
  public void add(Map<String, Long> fileCounts) {
    fileCounts.forEach(this::count);
  }

  @Override
  public void merge(AccumulatorV2<Map<String, Long>, Map<String, Long>> other) {
    add(other.value());
  }

  @Override
  public Map<String, Long> value() {
    return Map.copyOf(counts);
  }
}
