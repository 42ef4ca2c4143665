package io.adapterforge.trainer.train;

import io.adapterforge.trainer.CounterRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The order of rows in one epoch, cut into micro-batches: a pure function of the row lengths, the
 * batch size, the seed and the epoch, so a resumed run finds the same micro-batches. Stateless.
 */
final class BatchPlanner {
  /** Micro-batches per length-sorted group, as transformers' {@code LengthGroupedSampler}. */
  static final int MEGA_BATCH_FACTOR = 50;

  static final long SHUFFLE_STREAM = 0x53687566666c65L;

  private BatchPlanner() {}

  /**
   * Row indices of each micro-batch of {@code epoch}. Rows are shuffled; with {@code groupByLength}
   * they are then cut into groups of {@value #MEGA_BATCH_FACTOR} micro-batches, sorted by
   * decreasing length within a group, cut into micro-batches, and the micro-batches are shuffled.
   * The last micro-batch may be smaller.
   */
  static List<int[]> plan(
      int[] lengths, int batchSize, boolean groupByLength, long seed, long epoch) {
    SplittableRandom random = new SplittableRandom(shuffleKey(seed, epoch));
    Integer[] order = new Integer[lengths.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    shuffle(order, random);
    if (groupByLength) {
      int group = batchSize * MEGA_BATCH_FACTOR;
      for (int start = 0; start < order.length; start += group) {
        Arrays.sort(
            order,
            start,
            Math.min(order.length, start + group),
            Comparator.comparingInt((Integer row) -> lengths[row]).reversed());
      }
    }
    List<int[]> batches = new ArrayList<>();
    for (int start = 0; start < order.length; start += batchSize) {
      int end = Math.min(order.length, start + batchSize);
      int[] batch = new int[end - start];
      for (int i = start; i < end; i++) {
        batch[i - start] = order[i];
      }
      batches.add(batch);
    }
    if (groupByLength) {
      int[][] shuffled = batches.toArray(new int[0][]);
      shuffle(shuffled, random);
      batches = new ArrayList<>(Arrays.asList(shuffled));
    }
    return batches;
  }

  /** Micro-batches per epoch. */
  static int batchesPerEpoch(int rows, int batchSize) {
    return (rows + batchSize - 1) / batchSize;
  }

  /** The seed of an epoch's shuffle. */
  static long shuffleKey(long seed, long epoch) {
    return CounterRandom.key(seed, SHUFFLE_STREAM, epoch);
  }

  private static <T> void shuffle(T[] items, SplittableRandom random) {
    for (int i = items.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      T swap = items[i];
      items[i] = items[j];
      items[j] = swap;
    }
  }
}
