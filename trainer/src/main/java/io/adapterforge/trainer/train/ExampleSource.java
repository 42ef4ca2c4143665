package io.adapterforge.trainer.train;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.List;

/**
 * The rows an adapter trains or validates on, read in one pass. The Spark job implements it over
 * the Parquet rows of one adapter and split; tests use {@link #of(List)}.
 *
 * <p>The trainer calls {@link #size()} once and {@link #open()} once per run, and reads the whole
 * iterator; every call to {@code open} must yield the same rows in the same order (a resumed run
 * relies on it, and refuses a source whose fingerprint changed). Implementations need not be
 * thread-safe.
 */
public interface ExampleSource {
  /** A fresh iterator over every row. */
  Iterator<TrainingExample> open();

  /** The number of rows {@link #open()} yields. */
  long size();

  /** A source over a list, in its order; the list is copied. */
  static ExampleSource of(List<TrainingExample> examples) {
    List<TrainingExample> copy = List.copyOf(requireNonNull(examples, "examples is null"));
    return new ExampleSource() {
      @Override
      public Iterator<TrainingExample> open() {
        return copy.iterator();
      }

      @Override
      public long size() {
        return copy.size();
      }

      @Override
      public String toString() {
        return "ExampleSource[" + copy.size() + " in memory]";
      }
    };
  }
}
